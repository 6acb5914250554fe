import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_TOLERANCE_SECONDS,
  INKBOX_REQUEST_ID_HEADER,
  INKBOX_SIGNATURE_HEADER,
  INKBOX_TIMESTAMP_HEADER,
} from '../inkbox.constants.js';
import { describeInkboxDuration } from './inkbox-duration.js';

/** Header values as Node, Express, Fastify or a plain object hold them. */
export type InkboxHeaderValue = string | readonly string[] | number | undefined | null;

/** Anything that can carry the request headers: a plain record (any case) or a fetch `Headers`. */
export type InkboxHeadersLike = Readonly<Record<string, InkboxHeaderValue>> | { get(name: string): string | null };

/** Why a delivery failed verification. Form problems come first, then time, then the HMAC. */
export type InkboxSignatureFailureReason =
  | 'missing_request_id'
  | 'missing_timestamp'
  | 'missing_signature'
  | 'malformed_request_id'
  | 'malformed_timestamp'
  | 'malformed_signature'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'no_signing_key'
  | 'signature_mismatch'
  | 'invalid_input';

/** Successful verification. */
export interface InkboxSignatureSuccess {
  readonly ok: true;
  /** The `X-Inkbox-Request-ID` of this attempt. */
  readonly requestId: string;
  /** The signed timestamp, unix seconds. */
  readonly timestamp: number;
  /** Index, in the list of keys given, of the key that matched. */
  readonly keyIndex: number;
}

/** Failed verification: a machine-readable reason and a sentence for people. */
export interface InkboxSignatureFailure {
  readonly ok: false;
  readonly reason: InkboxSignatureFailureReason;
  /** Explains the failure; never contains key material. */
  readonly message: string;
}

/** Result of {@link verifyInkboxSignature}. */
export type InkboxSignatureResult = InkboxSignatureSuccess | InkboxSignatureFailure;

/** Input of {@link verifyInkboxSignature}. */
export interface VerifyInkboxSignatureInput {
  /** The body exactly as received (bytes). A string is taken as UTF-8. */
  readonly rawBody: Buffer | Uint8Array | string;
  /** The request headers; names are matched case-insensitively. */
  readonly headers: InkboxHeadersLike;
  /** One key or several (each is tried). Whitespace around it and a leading `whsec_` are removed; a key empty after that is ignored. */
  readonly signingKey: string | readonly string[];
  /** Allowed distance, in seconds, between the signed timestamp and `now`, both ways. Default 300. */
  readonly toleranceSeconds?: number;
  /** The clock: a `Date` or milliseconds since the epoch (as `Date.now()`). Default: the current time. */
  readonly now?: Date | number;
}

const SIGNATURE_PREFIX = 'sha256=';
/** `sha256=` and 64 hex digits. */
const SIGNATURE_LENGTH = 71;
const MAX_TIMESTAMP_DIGITS = 12;
const MAX_REQUEST_ID_LENGTH = 256;

/** Unix seconds: 1 to 12 ASCII digits. */
function isTimestampForm(value: string): boolean {
  const length = value.length;
  if (length < 1 || length > MAX_TIMESTAMP_DIGITS) return false;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

// Printable ASCII without spaces, bounded: anything else is not a request id Inkbox would send.
function isRequestIdForm(value: string): boolean {
  const length = value.length;
  if (length < 1 || length > MAX_REQUEST_ID_LENGTH) return false;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** The value of each hex digit by character code (either case); -1 for any other character. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) HEX_VALUE[0x30 + i] = i;
for (let i = 0; i < 6; i++) HEX_VALUE[0x41 + i] = HEX_VALUE[0x61 + i] = 10 + i;

/**
 * True when the value is `sha256=` and 64 hex digits (either case); its 32 bytes are then in
 * {@link expectedDigest}. Decoded here, digit by digit, rather than through `Buffer.write`, which
 * costs more than the check itself.
 */
function decodeSignatureForm(value: string): boolean {
  if (value.length !== SIGNATURE_LENGTH || !value.startsWith(SIGNATURE_PREFIX)) return false;
  for (let i = 0; i < 32; i++) {
    const high = value.charCodeAt(7 + 2 * i);
    const low = value.charCodeAt(8 + 2 * i);
    const byte = high < 128 && low < 128 ? (HEX_VALUE[high]! << 4) | HEX_VALUE[low]! : -1;
    if (byte < 0) return false;
    expectedDigest[i] = byte;
  }
  return true;
}

function fail(reason: InkboxSignatureFailureReason, message: string): InkboxSignatureFailure {
  return { ok: false, reason, message };
}

/** Reads one header case-insensitively; `null` when absent, `undefined` when given more than once. */
export function readInkboxHeader(headers: InkboxHeadersLike, name: string): string | null | undefined {
  if (headers === null || typeof headers !== 'object') return null;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(name);
    return typeof value === 'string' ? value : null;
  }
  const record = headers as Readonly<Record<string, InkboxHeaderValue>>;
  const wanted = String(name).toLowerCase();
  // Every spelling is looked at, so the same header under two spellings is caught even when one
  // of them is the lower-case one (a plain object built by hand, or by a serverless platform).
  let value: InkboxHeaderValue = undefined;
  for (const key of Object.keys(record)) {
    if (key.length !== wanted.length || (key !== wanted && key.toLowerCase() !== wanted)) continue;
    const candidate = record[key];
    if (candidate === undefined) continue;
    if (value !== undefined) return undefined;
    value = candidate;
  }
  return headerText(value);
}

/** A header's value as one string; `null` when absent or empty as a list, `undefined` when given more than once. */
function headerText(value: InkboxHeaderValue): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    if (value.length > 1) return undefined;
    return typeof value[0] === 'string' ? value[0] : undefined;
  }
  return undefined;
}

const REQUEST_ID_NAME = INKBOX_REQUEST_ID_HEADER.toLowerCase();
const TIMESTAMP_NAME = INKBOX_TIMESTAMP_HEADER.toLowerCase();
const SIGNATURE_NAME = INKBOX_SIGNATURE_HEADER.toLowerCase();

/** The three `X-Inkbox-*` headers of one request, as {@link readInkboxHeader} reads each of them. */
interface InkboxHeaderTriple {
  requestId: string | null | undefined;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
}

/** Filled by {@link readInkboxHeaders} and read right after it by the same synchronous call. */
const triple: InkboxHeaderTriple = { requestId: null, timestamp: null, signature: null };
/** Which of the three a header name is: 0, 1, 2, or -1 for any other name. */
function tripleSlot(key: string): number {
  const length = key.length;
  if (length !== REQUEST_ID_NAME.length && length !== TIMESTAMP_NAME.length && length !== SIGNATURE_NAME.length)
    return -1;
  const lower = key === REQUEST_ID_NAME || key === TIMESTAMP_NAME || key === SIGNATURE_NAME ? key : key.toLowerCase();
  return lower === REQUEST_ID_NAME ? 0 : lower === TIMESTAMP_NAME ? 1 : lower === SIGNATURE_NAME ? 2 : -1;
}

/**
 * The three headers in one look at the header names (rather than one per header), with the same
 * answers as three calls of {@link readInkboxHeader}: every spelling is looked at, and a header
 * under two spellings reads as `undefined`.
 */
function readInkboxHeaders(headers: InkboxHeadersLike): InkboxHeaderTriple {
  if (headers === null || typeof headers !== 'object' || typeof (headers as { get?: unknown }).get === 'function') {
    triple.requestId = readInkboxHeader(headers, INKBOX_REQUEST_ID_HEADER);
    triple.timestamp = readInkboxHeader(headers, INKBOX_TIMESTAMP_HEADER);
    triple.signature = readInkboxHeader(headers, INKBOX_SIGNATURE_HEADER);
    return triple;
  }
  const record = headers as Readonly<Record<string, InkboxHeaderValue>>;
  let requestId: InkboxHeaderValue = undefined;
  let timestamp: InkboxHeaderValue = undefined;
  let signature: InkboxHeaderValue = undefined;
  let twice = 0; // bit per slot: seen under two spellings
  for (const key of Object.keys(record)) {
    const slot = tripleSlot(key);
    if (slot < 0) continue;
    const candidate = record[key];
    if (candidate === undefined) continue;
    if (slot === 0) {
      if (requestId !== undefined) twice |= 1;
      requestId = candidate;
    } else if (slot === 1) {
      if (timestamp !== undefined) twice |= 2;
      timestamp = candidate;
    } else {
      if (signature !== undefined) twice |= 4;
      signature = candidate;
    }
  }
  triple.requestId = twice & 1 ? undefined : headerText(requestId);
  triple.timestamp = twice & 2 ? undefined : headerText(timestamp);
  triple.signature = twice & 4 ? undefined : headerText(signature);
  return triple;
}

/**
 * The one normalisation of a signing key, used at startup and by {@link verifyInkboxSignature}:
 * surrounding whitespace is removed, then one leading `whsec_`. An empty result means "no key".
 */
export function normalizeInkboxSigningKey(signingKey: string): string {
  const trimmed = signingKey.trim();
  return trimmed.startsWith('whsec_') ? trimmed.slice(6) : trimmed;
}

/** The HMAC key bytes for a signing key: the UTF-8 bytes of {@link normalizeInkboxSigningKey}. */
export function inkboxKeyBytes(signingKey: string): Buffer {
  return Buffer.from(normalizeInkboxSigningKey(signingKey), 'utf8');
}

/**
 * Computes the `X-Inkbox-Signature` value for a delivery: `sha256=` + hex HMAC-SHA256 over
 * `"{requestId}.{timestamp}."` followed by the raw body bytes.
 */
export function computeInkboxSignature(
  signingKey: string,
  requestId: string,
  timestamp: string | number,
  rawBody: Buffer | Uint8Array | string,
): string {
  const hmac = createHmac('sha256', inkboxKeyBytes(signingKey));
  hmac.update(`${requestId}.${timestamp}.`, 'utf8');
  hmac.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody);
  return `sha256=${hmac.digest('hex')}`;
}

/**
 * Prepared HMAC keys by signing key: the key bytes are derived once per key, not once per request.
 * Kept as the key's bytes (a Buffer), which `createHmac` takes directly.
 */
const preparedKeys = new Map<string, Buffer | null>();
/** Distinct signing keys kept prepared at most (a key resolver may return many); past it the cache starts over. */
const MAX_PREPARED_KEYS = 1024;
/** The signature's 32 bytes, decoded in place for each verification. */
const expectedDigest = Buffer.alloc(32);

/** The prepared key, or null for a key that is empty once normalised (no secret: anyone can compute that HMAC). */
function preparedKey(signingKey: string): Buffer | null {
  let key = preparedKeys.get(signingKey);
  if (key === undefined) {
    if (preparedKeys.size >= MAX_PREPARED_KEYS) preparedKeys.clear();
    const bytes = inkboxKeyBytes(signingKey);
    key = bytes.length === 0 ? null : bytes;
    preparedKeys.set(signingKey, key);
  }
  return key;
}

/** Keys tried by the last {@link matchingKeyIndex} call (the usable ones). */
let keysTried = 0;

/** HMAC of prefix + body with one prepared key, compared in constant time with {@link expectedDigest}. */
function matches(key: Buffer, prefix: string, body: Uint8Array): boolean {
  const digest = createHmac('sha256', key).update(prefix).update(body).digest();
  return digest.length === expectedDigest.length && timingSafeEqual(digest, expectedDigest);
}

/**
 * Index, among the usable keys (strings not empty once normalised), of the first one whose
 * HMAC-SHA256 over `prefix` + `body` equals the signature already decoded into
 * {@link expectedDigest}; -1 when none does, with {@link keysTried} telling how many were usable.
 * The prefix is `"{requestId}.{timestamp}."`, whose form was checked (visible ASCII).
 */
function matchingKeyIndex(signingKey: string | readonly string[], prefix: string, body: Uint8Array): number {
  keysTried = 0;
  if (typeof signingKey === 'string') {
    const key = preparedKey(signingKey);
    if (key === null) return -1;
    keysTried = 1;
    return matches(key, prefix, body) ? 0 : -1;
  }
  if (!Array.isArray(signingKey)) return -1;
  for (let i = 0; i < signingKey.length; i++) {
    const candidate: unknown = signingKey[i];
    if (typeof candidate !== 'string') continue;
    const key = preparedKey(candidate);
    if (key === null) continue;
    if (matches(key, prefix, body)) return keysTried;
    keysTried++;
  }
  return -1;
}

function nowSeconds(now: Date | number | undefined): number {
  if (now === undefined) return Math.floor(Date.now() / 1000);
  const ms = now instanceof Date ? now.getTime() : now;
  return Math.floor(ms / 1000);
}

/**
 * Verifies an Inkbox webhook delivery. Checks, in order: the presence and form of the three
 * `X-Inkbox-*` headers, the timestamp against the tolerance window (past and future), then the
 * HMAC with each key in constant time. Never throws: any input yields a result.
 *
 * @example
 * const result = verifyInkboxSignature({ rawBody, headers: req.headers, signingKey: process.env.INKBOX_SIGNING_KEY! });
 * if (!result.ok) console.warn(result.reason, result.message);
 */
export function verifyInkboxSignature(input: VerifyInkboxSignatureInput): InkboxSignatureResult {
  try {
    if (input === null || typeof input !== 'object') {
      return fail('invalid_input', 'verifyInkboxSignature needs an object with rawBody, headers and signingKey.');
    }
    const form = checkHeaderForms(input.headers);
    if ('ok' in form) return form;
    const { requestId, timestamp } = form;
    const body = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
    if (!(body instanceof Uint8Array)) {
      return fail('invalid_input', 'The raw body must be a Buffer, a Uint8Array or a string.');
    }
    const signedAt = Number(timestamp);
    const stale = checkFreshness(signedAt, input);
    if (stale) return stale;
    const keyIndex = matchingKeyIndex(input.signingKey, `${requestId}.${timestamp}.`, body);
    if (keyIndex >= 0) return { ok: true, requestId, timestamp: signedAt, keyIndex };
    return noKeyMatched();
  } catch {
    return fail('invalid_input', 'The input could not be read as an Inkbox delivery.');
  }
}

/** The three headers' presence and form, in the order of the status table; the signature is decoded on the way. */
function checkHeaderForms(
  headers: VerifyInkboxSignatureInput['headers'],
): { requestId: string; timestamp: string } | InkboxSignatureFailure {
  const { requestId, timestamp, signature } = readInkboxHeaders(headers);
  if (requestId === null || requestId === '') {
    return fail('missing_request_id', 'The X-Inkbox-Request-ID header is missing or empty.');
  }
  if (requestId === undefined || !isRequestIdForm(requestId)) {
    return fail(
      'malformed_request_id',
      'The X-Inkbox-Request-ID header must be one value of 1 to 256 visible ASCII characters.',
    );
  }
  if (timestamp === null || timestamp === '') {
    return fail('missing_timestamp', 'The X-Inkbox-Timestamp header is missing or empty.');
  }
  if (timestamp === undefined || !isTimestampForm(timestamp)) {
    return fail(
      'malformed_timestamp',
      'The X-Inkbox-Timestamp header must be one value: unix time in whole seconds (digits only).',
    );
  }
  if (signature === null || signature === '') {
    return fail('missing_signature', 'The X-Inkbox-Signature header is missing or empty.');
  }
  if (signature === undefined || !decodeSignatureForm(signature)) {
    return fail(
      'malformed_signature',
      'The X-Inkbox-Signature header must be one value of the form sha256=<64 hex digits>.',
    );
  }
  return { requestId, timestamp };
}

/** A failure when the signed time is outside the tolerance (either direction), else undefined. */
function checkFreshness(signedAt: number, input: VerifyInkboxSignatureInput): InkboxSignatureFailure | undefined {
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const current = nowSeconds(input.now);
  if (!Number.isFinite(current) || !(tolerance >= 0)) {
    return fail('invalid_input', 'The clock (now) and toleranceSeconds must be finite, non-negative numbers.');
  }
  if (current - signedAt > tolerance) {
    return fail(
      'timestamp_too_old',
      `The X-Inkbox-Timestamp is ${describeInkboxDuration(current - signedAt)} old, more than the ${tolerance} s allowed: a stale or replayed request, or a clock that is wrong.`,
    );
  }
  if (signedAt - current > tolerance) {
    return fail(
      'timestamp_in_future',
      `The X-Inkbox-Timestamp is ${describeInkboxDuration(signedAt - current)} in the future, more than the ${tolerance} s allowed: check this server's clock.`,
    );
  }
  return undefined;
}

/** The failure after every usable key was tried (`keysTried` was set by `matchingKeyIndex`). */
function noKeyMatched(): InkboxSignatureFailure {
  if (keysTried === 0) return fail('no_signing_key', 'No signing key was given to check the signature against.');
  return fail(
    'signature_mismatch',
    keysTried === 1
      ? 'The X-Inkbox-Signature does not match the body signed with the configured signing key: wrong key, or the body was changed on the way.'
      : `The X-Inkbox-Signature matches none of the ${keysTried} configured signing keys: wrong keys, or the body was changed on the way.`,
  );
}

/** HTTP status for a failure reason: 400 for missing or malformed headers, 401 for time, keys and HMAC. */
export function inkboxSignatureFailureStatus(reason: InkboxSignatureFailureReason): 400 | 401 | 500 {
  switch (reason) {
    case 'timestamp_too_old':
    case 'timestamp_in_future':
    case 'signature_mismatch':
    case 'no_signing_key':
      return 401;
    case 'invalid_input':
      return 500;
    default:
      return 400;
  }
}
