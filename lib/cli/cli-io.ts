/** Where a command writes, and the environment it reads. Every write passes through key redaction. */
export interface CliIo {
  /** Normal output. */
  out(text: string): void;
  /** Errors, warnings and hints. */
  err(text: string): void;
  /** Environment variables (`INKBOX_SIGNING_KEY`, `INKBOX_API_KEY`, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Registers a secret: from now on it is replaced by `[redacted]` in anything written. */
  addSecret(secret: string): void;
}

/** Exit codes of the CLI. */
export const EXIT_OK = 0;
/** The command ran and the answer was not a success (non-2xx, does not verify, a replay failed). */
export const EXIT_FAILURE = 1;
/** The command line was wrong; nothing was done. */
export const EXIT_USAGE = 2;

/** A mistake on the command line: the message is printed with a pointer to `--help`, exit code 2. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** Text streams the CLI writes to (process.stdout / process.stderr or test doubles). */
export interface CliStreams {
  /** Receives normal output. */
  stdout: { write(text: string): unknown };
  /** Receives errors and hints. */
  stderr: { write(text: string): unknown };
}

// Secrets shorter than this are not searched for in output: replacing them could garble ordinary text.
// Such keys are still never printed, since no code path prints a key.
const MIN_REDACTED_LENGTH = 6;

/** Builds the redacting I/O of one CLI run. */
export function createCliIo(streams: CliStreams, env: Readonly<Record<string, string | undefined>>): CliIo {
  const secrets = new Set<string>();
  const redact = (text: string): string => {
    let result = text;
    for (const secret of [...secrets].sort((a, b) => b.length - a.length))
      result = result.split(secret).join('[redacted]');
    return result;
  };
  return {
    env,
    out: (text) => void streams.stdout.write(redact(text)),
    err: (text) => void streams.stderr.write(redact(text)),
    addSecret(secret) {
      for (const value of [secret, secret.startsWith('whsec_') ? secret.slice(6) : secret]) {
        if (value.length >= MIN_REDACTED_LENGTH) secrets.add(value);
      }
    },
  };
}

/** Splits a key list from an environment variable: one key, or several separated by commas. */
export function splitKeys(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key !== '');
}

/** Formats an error from anywhere for one line of output. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = (error as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
    const causeText =
      cause instanceof Error && cause.message && !error.message.includes(cause.message) ? ` (${cause.message})` : '';
    return `${error.message}${causeText}${typeof code === 'string' && !error.message.includes(code) && !causeText.includes(code) ? ` [${code}]` : ''}`;
  }
  return String(error);
}
