/**
 * Injection token of optional {@link InkboxAdminClientOptions} (retry tuning, sleep and random sources).
 * Provide it to change how `InkboxAdminService` waits between attempts; most apps never need to.
 */
export const INKBOX_ADMIN_CLIENT_OPTIONS = Symbol.for('nestjs-inkbox:admin-client-options');

/** Path of version 1 of the Inkbox API, appended to `apiBaseUrl`. */
export const INKBOX_API_V1_PATH = '/api/v1';

/** First backoff step, in milliseconds: attempt n waits a random time up to `base * 2^(n-1)`. */
export const DEFAULT_RETRY_BASE_DELAY_MS = 500;
/** Upper bound of one computed backoff wait, in milliseconds. */
export const DEFAULT_RETRY_MAX_DELAY_MS = 20_000;
/** Longest `Retry-After` the client waits for; a longer one ends the retries with the error. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** Largest page the delivery log serves. */
export const INKBOX_MAX_DELIVERY_PAGE_SIZE = 200;
/** Page size `replayFailedDeliveries` uses unless told otherwise. */
export const DEFAULT_REPLAY_PAGE_SIZE = 100;
