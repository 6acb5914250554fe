import type { InkboxRedisClientLike } from './inkbox-redis-client.interface.js';

/** What an app instance does: take deliveries (`'receiver'`), run handlers (`'worker'`), or both (`'all'`). */
export type InkboxRole = 'all' | 'receiver' | 'worker';

/**
 * How many finished jobs BullMQ keeps (its `KeepJobs`): `true` removes at once, `false` keeps all,
 * a number keeps that many, `{ age, count }` keeps jobs younger than `age` seconds, at most `count`.
 */
export type InkboxKeepJobs = boolean | number | { readonly age?: number; readonly count?: number };

/**
 * The Redis that queue mode uses: a URL (the module opens and closes its own connections) or an
 * ioredis client the app owns (never closed by the module; BullMQ duplicates it for its blocking
 * worker connection).
 */
export type InkboxQueueRedisOptions =
  | { readonly url: string; readonly client?: undefined }
  | { readonly client: InkboxRedisClientLike & object; readonly url?: undefined };

/** Today's behaviour: handlers run inside the webhook request, and its answer reports them. */
export interface InkboxInlineDeliveryOptions {
  readonly mode: 'inline';
}

/**
 * Queue delivery on BullMQ: the receiver stores each verified event as a job and answers at once;
 * workers run the handlers from the queue, with retries. Needs the `bullmq` package.
 */
export interface InkboxQueueDeliveryOptions {
  readonly mode: 'queue';
  /** Redis of the queue (required): `{ url }` or `{ client }`. Also the default idempotency store's Redis. */
  readonly redis: InkboxQueueRedisOptions;
  /** BullMQ queue name. Default `'inkbox'`. */
  readonly queueName?: string;
  /** BullMQ key prefix. Default BullMQ's own (`'bull'`). */
  readonly prefix?: string;
  /** Jobs one worker runs at once. Default 8. */
  readonly concurrency?: number;
  /** Runs per event, the first included, before the job stays in the failed set. Default 8. */
  readonly attempts?: number;
  /** Base of the exponential backoff between attempts, in ms. Default 1 000. */
  readonly backoffMs?: number;
  /** A job whose worker died (no lock renewal) is taken over by another worker after this, in ms. Default 30 000. */
  readonly leaseMs?: number;
  /** Completed jobs kept (they let a receiver answer `duplicate`). Default `{ age: 86 400, count: 10 000 }`. */
  readonly removeOnComplete?: InkboxKeepJobs;
  /** Failed jobs kept (they can be listed and retried). Default `false`: all kept. */
  readonly removeOnFail?: InkboxKeepJobs;
  /** Longest wait, in ms, for Redis to store a job before the delivery is answered 503. Default 5 000. */
  readonly enqueueTimeoutMs?: number;
}

/** `delivery` option of the module. */
export type InkboxDeliveryOptions = InkboxInlineDeliveryOptions | InkboxQueueDeliveryOptions;

/** Queue delivery after defaults. */
export interface ResolvedInkboxQueueDelivery {
  readonly mode: 'queue';
  readonly redis: InkboxQueueRedisOptions | undefined;
  readonly queueName: string;
  readonly prefix: string | undefined;
  readonly concurrency: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly leaseMs: number;
  readonly removeOnComplete: InkboxKeepJobs;
  readonly removeOnFail: InkboxKeepJobs;
  readonly enqueueTimeoutMs: number;
}

/** The `delivery` option after defaults. */
export type ResolvedInkboxDelivery = { readonly mode: 'inline' } | ResolvedInkboxQueueDelivery;
