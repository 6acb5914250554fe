import { parseArgs } from 'node:util';
import {
  DEFAULT_TOLERANCE_SECONDS,
  INKBOX_REQUEST_ID_HEADER,
  INKBOX_SIGNATURE_HEADER,
  INKBOX_TIMESTAMP_HEADER,
} from '../inkbox.constants.js';
import { formatInkboxDuration } from '../signature/inkbox-duration.js';
import { readInkboxHeader, verifyInkboxSignature, type InkboxSignatureResult } from '../signature/inkbox-signature.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, splitKeys, type CliIo } from './cli-io.js';
import { parseHeadersText, parseMoment, parseWholeNumber, readFileOption } from './cli-values.js';

/** Help text of `nestjs-inkbox verify`. */
export const VERIFY_HELP = `Usage: nestjs-inkbox verify --headers <file> --body <file> [options]

Checks a captured delivery exactly as the receiver does, and says which check fails:
  1. headers    X-Inkbox-Request-ID, X-Inkbox-Timestamp and X-Inkbox-Signature are present
                and well formed (a failure here is answered 400)
  2. timestamp  within the tolerance of the clock, both ways (401)
  3. signature  HMAC-SHA256 over "{request id}.{timestamp}." + the body bytes, with each key (401)
The signature is also checked on its own, at the signing time, so a captured (old) delivery
still tells you whether key and body are right.
Exits 0 when the delivery verifies, 1 when it does not.

Options:
  --headers <file>       the request headers: a JSON object, or "Name: value" lines as a log,
                         a proxy or curl -v shows them
  --body <file>          the request body, byte for byte as it was received
  --signing-key <key>    a key to try. Repeatable. Default: the INKBOX_SIGNING_KEY variable
                         (several keys may be separated by commas)
  --tolerance <seconds>  allowed distance between the signed time and the clock. Default: ${DEFAULT_TOLERANCE_SECONDS}
  --now <time>           the clock to check the time window against (unix seconds or ISO-8601),
                         e.g. when the delivery was received. Default: now
  --json                 print one JSON object instead of text
  -h, --help             show this help

Keys are never printed, nor is any signature computed with them.

Example:
  INKBOX_SIGNING_KEY=whsec_... nestjs-inkbox verify --headers headers.txt --body body.json --now 2026-05-17T09:30:00Z
`;

type CheckState = 'ok' | 'fail' | 'skipped';

const VERIFY_HINTS = {
  byteOrderMark:
    'The signature matches once the byte-order mark at the start of the body file is removed: ' +
    'the file was saved with a BOM the request did not have.',
  finalNewline:
    'The signature matches once the final newline of the body file is removed: ' +
    'the file has a newline the request did not have.',
  noInkboxHeaders:
    'The headers file has no X-Inkbox-* header at all: was it captured before a proxy or framework removed them?',
  capturedTooOld:
    'A captured delivery is old by the time you check it: pass --now <time it was received> to check the window then. ' +
    'If it failed when it arrived, the server clock or a slow queue in front of the app is the cause.',
  tooOldAtNow:
    'The delivery was already too old at --now: a queue or retry held it back, or the server clock is behind.',
  inFuture: "The signing time is ahead of the clock: this server's clock is probably behind (check NTP).",
  wrongKeyOrBody:
    'Either the key is not the one that signed this delivery (signing keys belong to an agent identity: use the key ' +
    'of the identity that owns the mailbox, and the new key after a rotation), or the body is not the exact bytes ' +
    'received (a proxy or body parser re-encoded it, or it was copied from a pretty-printed view).',
} as const;

interface Check {
  name: 'headers' | 'timestamp' | 'signature';
  state: CheckState;
  detail: string;
}

const HEADER_REASONS = new Set([
  'missing_request_id',
  'missing_timestamp',
  'missing_signature',
  'malformed_request_id',
  'malformed_timestamp',
  'malformed_signature',
]);

function iso(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds}` : date.toISOString();
}

const span = formatInkboxDuration;

function preview(value: string | null | undefined): string {
  if (value === null || value === undefined) return '(missing)';
  return value.length > 24 ? `${value.slice(0, 20)}…` : value;
}

/** Variants of the body file that differ from the original by what editors and copies add. */
function alterations(body: Buffer): Array<{ body: Buffer; hint: string }> {
  const out: Array<{ body: Buffer; hint: string }> = [];
  let trimmed = body;
  if (trimmed.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) {
    trimmed = trimmed.subarray(3);
    out.push({ body: trimmed, hint: VERIFY_HINTS.byteOrderMark });
  }
  const withoutNewline = trimmed.subarray(
    0,
    trimmed.length - (trimmed.toString('latin1').match(/(\r?\n)+$/)?.[0].length ?? 0),
  );
  if (withoutNewline.length !== trimmed.length) {
    out.push({ body: withoutNewline, hint: VERIFY_HINTS.finalNewline });
  }
  return out;
}

/** A `verify` command line, checked and read. */
interface VerifyRequest {
  keys: string[];
  headers: Record<string, string | string[]>;
  body: Buffer;
  toleranceSeconds: number;
  now: number;
  nowGiven: boolean;
  json: boolean;
}

/** What `verify` found. */
interface VerifyReport {
  result: InkboxSignatureResult;
  checks: Check[];
  hints: string[];
}

// ------------------------------------------------------------------ parse

function readKeys(given: string[] | undefined, io: CliIo): string[] {
  for (const key of given ?? []) io.addSecret(key);
  const keys = (given ?? []).filter((k) => k !== '');
  if (keys.length === 0) keys.push(...splitKeys(io.env.INKBOX_SIGNING_KEY));
  if (keys.length === 0) {
    throw new CliUsageError(
      'no signing key: pass --signing-key <key> (repeatable) or set the INKBOX_SIGNING_KEY environment variable.',
    );
  }
  return keys;
}

/** Reads a `verify` command line; `undefined` when only the help was asked for. */
export function parseVerifyCommand(args: string[], io: CliIo): VerifyRequest | undefined {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      headers: { type: 'string' },
      body: { type: 'string' },
      'signing-key': { type: 'string', multiple: true },
      tolerance: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return undefined;
  if (positionals.length > 0)
    throw new CliUsageError(`verify takes no arguments besides options (got "${positionals[0]}").`);
  const keys = readKeys(values['signing-key'], io);
  if (values.headers === undefined)
    throw new CliUsageError('--headers <file> is required: the captured request headers.');
  if (values.body === undefined) throw new CliUsageError('--body <file> is required: the captured request body.');
  return {
    keys,
    headers: parseHeadersText(readFileOption(values.headers, '--headers').toString('utf8')),
    body: readFileOption(values.body, '--body'),
    toleranceSeconds: parseWholeNumber(values.tolerance, '--tolerance', 0) ?? DEFAULT_TOLERANCE_SECONDS,
    now: values.now !== undefined ? parseMoment(values.now, '--now') : Date.now(),
    nowGiven: values.now !== undefined,
    json: values.json === true,
  };
}

// ------------------------------------------------------------------ run

function headerChecks(request: VerifyRequest, message: string, hints: string[]): Check[] {
  const names = Object.keys(request.headers).map((n) => n.toLowerCase());
  if (!names.some((n) => n.startsWith('x-inkbox-'))) hints.push(VERIFY_HINTS.noInkboxHeaders);
  const skipped = 'not checked until the headers are right';
  return [
    { name: 'headers', state: 'fail', detail: message },
    { name: 'timestamp', state: 'skipped', detail: skipped },
    { name: 'signature', state: 'skipped', detail: skipped },
  ];
}

function timestampCheck(
  request: VerifyRequest,
  result: InkboxSignatureResult,
  signedAt: number,
  hints: string[],
): Check {
  const nowSeconds = Math.floor(request.now / 1000);
  const age = nowSeconds - signedAt;
  const when = age >= 0 ? `${span(age)} before the clock` : `${span(age)} after the clock`;
  const tolerance = request.toleranceSeconds;
  if (result.ok || (result.reason !== 'timestamp_too_old' && result.reason !== 'timestamp_in_future')) {
    return { name: 'timestamp', state: 'ok', detail: `signed ${iso(signedAt)}, ${when}; within ±${tolerance} s` };
  }
  if (result.reason === 'timestamp_in_future') hints.push(VERIFY_HINTS.inFuture);
  else hints.push(request.nowGiven ? VERIFY_HINTS.tooOldAtNow : VERIFY_HINTS.capturedTooOld);
  return {
    name: 'timestamp',
    state: 'fail',
    detail: `signed ${iso(signedAt)}, ${when} (${iso(nowSeconds)}); at most ${tolerance} s are allowed`,
  };
}

/** The signature on its own, at the signing time, so an old capture still says whether key and body are right. */
function signatureCheck(request: VerifyRequest, signedAt: number, hints: string[]): Check {
  const { headers, keys, toleranceSeconds } = request;
  const atSigning = (rawBody: Buffer) =>
    verifyInkboxSignature({ rawBody, headers, signingKey: keys, toleranceSeconds, now: signedAt * 1000 });
  const result = atSigning(request.body);
  if (result.ok)
    return { name: 'signature', state: 'ok', detail: `matches key ${result.keyIndex + 1} of ${keys.length}` };
  const fix = alterations(request.body).find((a) => atSigning(a.body).ok);
  hints.push(fix ? fix.hint : VERIFY_HINTS.wrongKeyOrBody);
  return { name: 'signature', state: 'fail', detail: result.message };
}

/** Runs the receiver's checks in order and explains each. */
export function runVerifyRequest(request: VerifyRequest): VerifyReport {
  const { body, headers, keys, toleranceSeconds, now } = request;
  const result = verifyInkboxSignature({ rawBody: body, headers, signingKey: keys, toleranceSeconds, now });
  const hints: string[] = [];
  if (!result.ok && HEADER_REASONS.has(result.reason)) {
    return { result, checks: headerChecks(request, result.message, hints), hints };
  }
  const requestId = readInkboxHeader(headers, INKBOX_REQUEST_ID_HEADER);
  const timestampText = readInkboxHeader(headers, INKBOX_TIMESTAMP_HEADER);
  const signature = readInkboxHeader(headers, INKBOX_SIGNATURE_HEADER);
  const detail = `X-Inkbox-Request-ID ${preview(requestId)}, X-Inkbox-Timestamp ${timestampText}, X-Inkbox-Signature ${preview(signature)}`;
  const signedAt = Number(timestampText);
  const checks: Check[] = [
    { name: 'headers', state: 'ok', detail },
    timestampCheck(request, result, signedAt, hints),
    signatureCheck(request, signedAt, hints),
  ];
  return { result, checks, hints };
}

// ------------------------------------------------------------------ print

const STATE_LABELS: Record<CheckState, string> = { ok: 'ok  ', fail: 'FAIL', skipped: '--  ' };

/** Prints what `verify` found and returns the exit code. */
export function printVerifyReport(request: VerifyRequest, report: VerifyReport, io: CliIo): number {
  const { result, checks, hints } = report;
  if (request.json) {
    const failure = result.ok ? null : result;
    const keyIndex = result.ok ? result.keyIndex : null;
    io.out(
      `${JSON.stringify({ ok: result.ok, reason: failure?.reason ?? null, message: failure?.message ?? null, checks, hints, keyIndex })}\n`,
    );
    return result.ok ? EXIT_OK : EXIT_FAILURE;
  }
  const keys = request.keys.length === 1 ? '1 key' : `${request.keys.length} keys`;
  const clock = iso(Math.floor(request.now / 1000));
  io.out(`Checking a delivery against ${keys}, tolerance ${request.toleranceSeconds} s, clock ${clock}\n\n`);
  for (const check of checks) io.out(`  ${check.name.padEnd(10)} ${STATE_LABELS[check.state]}  ${check.detail}\n`);
  const verdict = result.ok ? 'verifies.' : `does not verify (${result.reason}): ${result.message}`;
  io.out(`\nThe delivery ${verdict}\n`);
  for (const hint of hints) io.out(`Hint: ${hint}\n`);
  return result.ok ? EXIT_OK : EXIT_FAILURE;
}

/** `nestjs-inkbox verify`: explains whether and why a captured delivery verifies. */
export function runVerify(args: string[], io: CliIo): Promise<number> {
  const request = parseVerifyCommand(args, io);
  if (!request) {
    io.out(VERIFY_HELP);
    return Promise.resolve(EXIT_OK);
  }
  return Promise.resolve(printVerifyReport(request, runVerifyRequest(request), io));
}
