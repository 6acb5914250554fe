/**
 * Every error class of nestjs-inkbox. Errors carry a `name` and are recognised by it (or by their
 * static `isInstance`) rather than by `instanceof`, so two copies of the package still agree.
 */

/** HTTP method of an admin API call. */
export type InkboxHttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Thrown at startup when the module options cannot work; the message says what to change. */
export class InkboxConfigurationError extends Error {
  constructor(message: string) {
    super(`nestjs-inkbox: ${message}`);
    this.name = 'InkboxConfigurationError';
  }
}

/** Thrown when a verified body is not a valid Inkbox event; `problems` lists each failing field. */
export class InkboxPayloadError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Inkbox event: ${problems.join('; ')}`);
    this.name = 'InkboxPayloadError';
  }
}

/** One entry of a FastAPI validation error (`422`): where the problem is and what it is. */
export interface InkboxValidationIssue {
  /** Location of the offending value, e.g. `['body', 'webhook_url']`. */
  loc?: Array<string | number>;
  /** Human-readable description. */
  msg?: string;
  /** Machine-readable kind, e.g. `extra_forbidden`. */
  type?: string;
}

/** The `detail` of an Inkbox error body: a sentence, a list of validation issues, or an object. */
export type InkboxApiErrorDetail = string | InkboxValidationIssue[] | { [key: string]: unknown } | null;

/** What an {@link InkboxApiError} is built from. */
export interface InkboxApiErrorInit {
  /** HTTP status of the answer. */
  status: number;
  /** The server's `detail` (already free of secrets). */
  detail: InkboxApiErrorDetail;
  /** Method of the failed request. */
  method: InkboxHttpMethod;
  /** Path of the failed request, e.g. `/api/v1/mail/mailboxes/me%40example.com`. */
  path: string;
  /** Wait the server asked for (from `Retry-After`), in ms. */
  retryAfterMs?: number;
  /** A sentence telling the user what to change, appended to the message. */
  hint?: string;
}

const STATUS_HINTS: Readonly<Record<number, string>> = {
  401: 'Inkbox did not accept the API key: check the apiKey option.',
  403: 'The API key is not allowed to do this (an admin-scoped key may be needed).',
  429: 'Inkbox is rate limiting these calls.',
};

/**
 * The Inkbox API answered with an error status. The message names the call and the server's
 * explanation; it never contains the API key.
 */
export class InkboxApiError extends Error {
  /** HTTP status, e.g. 404, 409, 422, 429, 503. */
  readonly status: number;
  /** The server's `detail` (FastAPI style), or the start of a non-JSON body. */
  readonly detail: InkboxApiErrorDetail;
  /** Method of the failed request. */
  readonly method: InkboxHttpMethod;
  /** Path of the failed request (no host, no query). */
  readonly path: string;
  /** Wait the server asked for before retrying, in ms (from `Retry-After`). */
  readonly retryAfterMs: number | undefined;
  /** How many attempts were made before giving up (1 when the call was not retried). */
  attempts = 1;

  constructor(init: InkboxApiErrorInit) {
    super(buildApiErrorMessage(init));
    this.name = 'InkboxApiError';
    this.status = init.status;
    this.detail = init.detail;
    this.method = init.method;
    this.path = init.path;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** True for an `InkboxApiError`, also one from another copy of this package (no `instanceof`). */
  static isInstance(value: unknown): value is InkboxApiError {
    return (
      value instanceof Error && value.name === 'InkboxApiError' && typeof (value as InkboxApiError).status === 'number'
    );
  }
}

function buildApiErrorMessage(init: InkboxApiErrorInit): string {
  const detail = describeDetail(init.detail);
  const hints = [STATUS_HINTS[init.status], init.hint].filter((hint): hint is string => Boolean(hint));
  const explanation = detail ? `: ${detail}` : '';
  return [`Inkbox API ${init.method} ${init.path} failed with status ${init.status}${explanation}.`, ...hints].join(
    ' ',
  );
}

/** Turns an error `detail` into one readable line. */
function describeDetail(detail: InkboxApiErrorDetail): string {
  if (detail === null || detail === '') return '';
  if (typeof detail === 'string') return detail.replace(/\.$/, '');
  if (Array.isArray(detail)) return detail.map(describeIssue).join('; ');
  return JSON.stringify(detail);
}

function describeIssue(issue: InkboxValidationIssue): string {
  const where = Array.isArray(issue.loc) ? issue.loc.join('.') : '';
  const what = typeof issue.msg === 'string' ? issue.msg : JSON.stringify(issue);
  return where ? `${where}: ${what}` : what;
}

/** Why a request got no (complete) answer. */
export type InkboxConnectionFailure = 'timeout' | 'connection-refused' | 'connection-closed' | 'dns' | 'network';

/** What an {@link InkboxConnectionError} is built from. */
export interface InkboxConnectionErrorInit {
  /** What went wrong. */
  reason: InkboxConnectionFailure;
  /** Method of the failed request. */
  method: InkboxHttpMethod;
  /** Path of the failed request. */
  path: string;
  /** Host (and port) of the API, for the message. */
  host: string;
  /** The per-request timeout in force, in ms. */
  timeoutMs: number;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The Inkbox API could not be reached or did not answer in time: a timeout, a refused connection,
 * a connection closed before the answer was complete, or a host name that does not resolve.
 * The message says which; it never contains the API key.
 */
export class InkboxConnectionError extends Error {
  /** What went wrong. */
  readonly reason: InkboxConnectionFailure;
  /** Method of the failed request. */
  readonly method: InkboxHttpMethod;
  /** Path of the failed request (no host, no query). */
  readonly path: string;
  /** How many attempts were made before giving up (1 when the call was not retried). */
  attempts = 1;

  constructor(init: InkboxConnectionErrorInit) {
    super(`Inkbox API ${init.method} ${init.path} failed: ${explainConnectionFailure(init)}`, { cause: init.cause });
    this.name = 'InkboxConnectionError';
    this.reason = init.reason;
    this.method = init.method;
    this.path = init.path;
  }

  /** True for an `InkboxConnectionError`, also one from another copy of this package (no `instanceof`). */
  static isInstance(value: unknown): value is InkboxConnectionError {
    return (
      value instanceof Error &&
      value.name === 'InkboxConnectionError' &&
      typeof (value as InkboxConnectionError).reason === 'string'
    );
  }
}

function explainConnectionFailure(init: InkboxConnectionErrorInit): string {
  switch (init.reason) {
    case 'timeout':
      return `timed out: no complete answer within ${init.timeoutMs} ms (the apiTimeoutMs option).`;
    case 'connection-refused':
      return `connection refused by ${init.host} (check the apiBaseUrl option).`;
    case 'connection-closed':
      return `the connection to ${init.host} was closed before a complete answer arrived.`;
    case 'dns':
      return `the host name ${init.host} could not be resolved (check the apiBaseUrl option).`;
    default:
      return `network error talking to ${init.host}${causeMessage(init.cause)}.`;
  }
}

function causeMessage(cause: unknown): string {
  const outer = cause as { message?: unknown; cause?: { message?: unknown } } | null | undefined;
  const message = outer?.cause?.message ?? outer?.message;
  return typeof message === 'string' && message !== '' ? ` (${message})` : '';
}
