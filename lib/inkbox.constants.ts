/** Header carrying the per-attempt request id (changes on every delivery attempt). */
export const INKBOX_REQUEST_ID_HEADER = 'x-inkbox-request-id';
/** Header carrying the unix time, in whole seconds, at which the attempt was signed. */
export const INKBOX_TIMESTAMP_HEADER = 'x-inkbox-timestamp';
/** Header carrying `sha256=<hex HMAC-SHA256>`. */
export const INKBOX_SIGNATURE_HEADER = 'x-inkbox-signature';

/** Default route of the webhook controller (the app's global prefix and versioning apply). */
export const DEFAULT_WEBHOOK_PATH = 'inkbox/webhooks';
/** Default route of the synchronous incoming-call webhook (the app's global prefix and versioning apply). */
export const DEFAULT_INCOMING_CALL_PATH = 'inkbox/incoming-call';
/** Default time the `@OnInkboxIncomingCall()` method has to decide before the call is rejected. */
export const DEFAULT_INCOMING_CALL_TIMEOUT_MS = 5_000;
/** Default tolerance, in seconds, between the signed timestamp and the local clock (both directions). */
export const DEFAULT_TOLERANCE_SECONDS = 300;
/** Default maximum size of a webhook body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Default base URL of the Inkbox API. */
export const DEFAULT_API_BASE_URL = 'https://inkbox.ai';
/** Default per-request timeout of the admin client. */
export const DEFAULT_API_TIMEOUT_MS = 30_000;
/** Default number of attempts (first try included) of an idempotent admin call. */
export const DEFAULT_API_MAX_ATTEMPTS = 4;
/** Default time an event's record is kept by the idempotency store: 72 hours. */
export const DEFAULT_IDEMPOTENCY_TTL_MS = 72 * 60 * 60 * 1000;
/** Default lease of an in-flight claim: after this, a crashed instance's claim can be taken over. */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 60_000;
/** Default bound on the number of events the in-memory store remembers. */
export const DEFAULT_IDEMPOTENCY_MAX_ENTRIES = 100_000;
/** Default bound, in estimated heap bytes, on what the in-memory store holds: 32 MiB. */
export const DEFAULT_IDEMPOTENCY_MAX_BYTES = 32 * 1024 * 1024;

/** Injection token of the resolved options: validated, with every default applied (internal). */
export const INKBOX_RESOLVED_OPTIONS = Symbol.for('nestjs-inkbox:resolved-options');
/** Injection token of the webhook route description (path and version). */
export const INKBOX_ROUTE = Symbol.for('nestjs-inkbox:route');
/** Injection token of the app instance's role (`'all'`, `'receiver'` or `'worker'`). */
export const INKBOX_ROLE = Symbol.for('nestjs-inkbox:role');
/** Injection token of the idempotency store in use (or `null` when turned off). */
export const INKBOX_IDEMPOTENCY_STORE = Symbol.for('nestjs-inkbox:idempotency-store');

/** Metadata key under which `@OnInkboxEvent` stores its event types. */
export const INKBOX_EVENT_HANDLER_METADATA = 'nestjs-inkbox:event-handler';

/** Metadata key under which `@OnInkboxIncomingCall` marks the deciding method. */
export const INKBOX_INCOMING_CALL_HANDLER_METADATA = 'nestjs-inkbox:incoming-call-handler';

/** Request property holding the captured raw body (a Buffer). */
export const INKBOX_RAW_BODY = Symbol.for('nestjs-inkbox:raw-body');
/** Request property holding a capture failure (status + message) to be raised by the guard. */
export const INKBOX_CAPTURE_ERROR = Symbol.for('nestjs-inkbox:capture-error');
/** Request property holding the result of a successful signature check. */
export const INKBOX_VERIFIED = Symbol.for('nestjs-inkbox:verified');
/** Request property holding the parsed, validated event (set by the interceptor). */
export const INKBOX_EVENT = Symbol.for('nestjs-inkbox:event');
/** Metadata key under which `@OnInkboxHandlerError` marks its methods. */
export const INKBOX_HANDLER_ERROR_METADATA = 'nestjs-inkbox:handler-error';
