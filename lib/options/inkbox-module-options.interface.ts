import type { ControllerOptions } from '@nestjs/common';
import type { InkboxIdempotencyStore } from '../idempotency/inkbox-idempotency-store.interface.js';
import type { InkboxHandlerErrorHook } from '../telemetry/inkbox-handler-error.interface.js';
import type { InkboxDeliveryOptions, InkboxRole, ResolvedInkboxDelivery } from './inkbox-delivery-options.interface.js';

/** What a signing-key resolver is told about a delivery. The body is untrusted and is not given. */
export interface InkboxKeyContext {
  /** Request headers, names in lower case. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Path parameters of the webhook route, e.g. `{ identity: 'billing' }` for `inkbox/webhooks/:identity`. */
  readonly params: Readonly<Record<string, string>>;
}

/** Returns the key or keys to try for one delivery (e.g. the key of the agent identity in the URL). */
export type InkboxSigningKeyResolver = (
  context: InkboxKeyContext,
) => string | readonly string[] | undefined | null | Promise<string | readonly string[] | undefined | null>;

import type { InkboxRedisClientLike } from './inkbox-redis-client.interface.js';

export type { InkboxRedisClientLike };

/** Options of the exactly-once layer. */
export interface InkboxIdempotencyOptions {
  /** `'memory'` (default, one process), `'redis'` (several instances) or your own store. */
  store?: 'memory' | 'redis' | InkboxIdempotencyStore;
  /** How long an event is remembered. Default 72 h. */
  ttlMs?: number;
  /** How long an in-flight claim holds before a redelivery may take it over (crashed instance). Default 60 s. */
  leaseMs?: number;
  /** In-memory store only: most events remembered at once (oldest dropped first). Default 100 000. */
  maxEntries?: number;
  /**
   * In-memory store only: most heap bytes (estimated: keys, map entries, slots) held at once; the events
   * changed longest ago are dropped first. About 130 bytes per event with an `evt_…` key. Default 32 MiB.
   */
  maxBytes?: number;
  /**
   * Redis store: an app-provided ioredis client (used as is, never closed; it wins over `url`) or a URL
   * (the store opens and closes its own client); the key prefix (default `inkbox:idem:`); and how long
   * a command may take before the delivery fails with 503 (default 5 000 ms).
   */
  redis?: { client?: InkboxRedisClientLike; url?: string; keyPrefix?: string; commandTimeoutMs?: number };
  /**
   * What to do when the store cannot be reached: `'closed'` (default) answers 503 so Inkbox retries later;
   * `'open'` runs the handlers without protection against duplicates.
   */
  onStoreError?: 'closed' | 'open';
}

/**
 * Automatic webhook registration once the app is listening: owners whose events go to this app's webhook
 * route, and phone numbers whose incoming calls go to its incoming-call route.
 */
export interface InkboxRegisterWebhooksOptions {
  /** Public base URL of this app, e.g. `https://api.example.com`. The route paths are appended. */
  publicUrl: string;
  /** Mailbox addresses whose mail events (`message.*`) should be sent to this app. */
  mailboxes?: string[];
  /** Phone numbers (E.164) whose text events (`text.*`) should be sent to this app. */
  phoneNumbers?: string[];
  /** Agent handles whose iMessage, call and A2A events should be sent to this app. */
  agentHandles?: string[];
  /** Phone numbers (E.164) whose incoming calls this app decides (`phone.incoming_call`). */
  incomingCalls?: string[];
  /**
   * Event types to subscribe to; each owner gets the ones it owns, and must own at least one.
   * Default: every type of each owner.
   */
  eventTypes?: string[];
}

/** `registerWebhooks` after validation: every list present. */
export interface ResolvedInkboxRegisterWebhooks {
  readonly publicUrl: string;
  readonly mailboxes: readonly string[];
  readonly phoneNumbers: readonly string[];
  readonly agentHandles: readonly string[];
  readonly incomingCalls: readonly string[];
  readonly eventTypes: readonly string[] | undefined;
}

/** Options of `InkboxModule.forRoot()` (or what the `forRootAsync()` factory returns). */
export interface InkboxModuleOptions {
  /**
   * The webhook signing key (`whsec_…`), several keys (each is tried: rotation, several identities),
   * or a function returning the keys for one delivery. Required.
   */
  signingKey: string | readonly string[] | InkboxSigningKeyResolver;
  /** Allowed clock distance, in seconds, both ways. Default 300. */
  toleranceSeconds?: number;
  /** Largest accepted body in bytes; larger ones get 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Inkbox API key: only `InkboxAdminService` needs it. */
  apiKey?: string;
  /** Inkbox API base URL. Default `https://inkbox.ai`. */
  apiBaseUrl?: string;
  /** Per-request timeout of the admin client. Default 30 000 ms. */
  apiTimeoutMs?: number;
  /** Attempts (first included) of a retryable admin call. Default 4. */
  apiMaxAttempts?: number;
  /** Webhook API of the Inkbox deployment: `'subscriptions'` (default, current) or `'mailbox-field'` (legacy). */
  webhookApi?: 'subscriptions' | 'mailbox-field';
  /** Point these mailboxes, phone numbers and agent identities at this app once it is listening. */
  registerWebhooks?: InkboxRegisterWebhooksOptions;
  /** Exactly-once processing across redeliveries; `false` turns it off. Default: in-memory store. */
  idempotency?: false | InkboxIdempotencyOptions;
  /** Also emit each verified event as `inkbox.<event_type>` through `@nestjs/event-emitter`. Default false. */
  emitEvents?: boolean;
  /**
   * Called with `{ error, event, delivery, handler }` for every handler failure (e.g. to report to
   * Sentry), besides any `@OnInkboxHandlerError()` method. Not awaited; cannot change the answer.
   */
  onHandlerError?: InkboxHandlerErrorHook;
  /** The synchronous incoming-call webhook (`@OnInkboxIncomingCall()`). */
  incomingCall?: InkboxIncomingCallOptions;
  /**
   * `{ mode: 'inline' }` (default): handlers run inside the webhook request. `{ mode: 'queue', redis }`:
   * each verified event becomes a BullMQ job and workers run the handlers (see docs/queue.md).
   */
  delivery?: InkboxDeliveryOptions;
}

/** Options of the incoming-call webhook. */
export interface InkboxIncomingCallOptions {
  /**
   * How long the `@OnInkboxIncomingCall()` method may take before the call is rejected
   * (`{"action":"reject"}`). Keep it below Inkbox's own wait. Default 5 000 ms.
   */
  timeoutMs?: number;
}

/** Options fixed when the module is declared (they shape the route), allowed in `forRoot` and `forRootAsync`. */
export interface InkboxModuleExtras {
  /** Register the module globally. Default false. */
  isGlobal?: boolean;
  /** Route of the webhook controller; may hold parameters (`inkbox/webhooks/:identity`). Default `inkbox/webhooks`. */
  webhookPath?: string;
  /** Route of the synchronous incoming-call webhook. Default `inkbox/incoming-call`. */
  incomingCallPath?: string;
  /** Controller version under URI/header versioning, e.g. `VERSION_NEUTRAL`. Default: the app's default. */
  version?: ControllerOptions['version'];
  /**
   * Queue mode: `'all'` (default) receives and runs handlers, `'receiver'` only receives (runs no
   * handler), `'worker'` only runs handlers (declares no webhook route).
   */
  role?: InkboxRole;
}

/** Options after validation and defaults: what the module's parts use. */
export interface ResolvedInkboxOptions {
  readonly resolveKeys: (context: InkboxKeyContext) => readonly string[] | Promise<readonly string[]>;
  /** True when `signingKey` is a function (keys depend on the request). */
  readonly dynamicKeys: boolean;
  readonly toleranceSeconds: number;
  readonly maxBodyBytes: number;
  readonly apiKey: string | undefined;
  readonly apiBaseUrl: string;
  readonly apiTimeoutMs: number;
  readonly apiMaxAttempts: number;
  readonly webhookApi: 'subscriptions' | 'mailbox-field';
  readonly registerWebhooks: ResolvedInkboxRegisterWebhooks | undefined;
  readonly idempotency:
    | false
    | (Required<Omit<InkboxIdempotencyOptions, 'redis' | 'store'>> & Pick<InkboxIdempotencyOptions, 'redis' | 'store'>);
  readonly emitEvents: boolean;
  readonly onHandlerError: InkboxHandlerErrorHook | undefined;
  readonly incomingCall: Required<InkboxIncomingCallOptions>;
  readonly delivery: ResolvedInkboxDelivery;
}
