import { InkboxApiError, InkboxConnectionError } from '../errors.js';

/**
 * Which failures a call may be retried after:
 * - `idempotent`: 408, 429, 5xx, timeouts and every network failure (repeating the call is harmless);
 * - `unprocessed`: only failures that prove the server did not act: 429, a refused connection, an
 *   unresolvable host (used for POSTs, which are never repeated after a 5xx, timeout or dropped answer);
 * - `never`: no retry.
 */
export type InkboxRetryMode = 'idempotent' | 'unprocessed' | 'never';

const UNPROCESSED_CONNECTION_FAILURES = new Set(['connection-refused', 'dns']);

/** True when `error` is transient under `mode`, so that another attempt may succeed. */
export function isRetryableFailure(error: unknown, mode: InkboxRetryMode): boolean {
  if (mode === 'never') return false;
  if (InkboxApiError.isInstance(error)) {
    if (error.status === 429) return true;
    return mode === 'idempotent' && (error.status === 408 || error.status >= 500);
  }
  if (InkboxConnectionError.isInstance(error)) {
    return mode === 'idempotent' || UNPROCESSED_CONNECTION_FAILURES.has(error.reason);
  }
  return false;
}

/**
 * Milliseconds a `Retry-After` header asks for: delta-seconds (`"120"`) or an HTTP date.
 * Undefined when the header is absent or unreadable; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff with full jitter: a random wait in [0, min(maxMs, baseMs × 2^(attempt-1))). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * True when a failed request may nonetheless have been carried out by the server: its answer was lost
 * (connection closed, timeout, network failure) or the server failed midway (5xx). False when the server
 * certainly did not act (4xx, refused connection, unknown host).
 */
export function mayHaveBeenProcessed(error: unknown): boolean {
  if (InkboxApiError.isInstance(error)) return error.status >= 500;
  if (InkboxConnectionError.isInstance(error)) return !UNPROCESSED_CONNECTION_FAILURES.has(error.reason);
  return false;
}
