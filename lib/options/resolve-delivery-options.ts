import type { InkboxIdempotencyOptions } from './inkbox-module-options.interface.js';
import type {
  InkboxDeliveryOptions,
  InkboxKeepJobs,
  ResolvedInkboxDelivery,
} from './inkbox-delivery-options.interface.js';
import { InkboxConfigurationError } from '../errors.js';

/** Defaults of queue delivery (applied here only). */
export const INKBOX_QUEUE_DEFAULTS = {
  queueName: 'inkbox',
  concurrency: 8,
  attempts: 8,
  backoffMs: 1_000,
  leaseMs: 30_000,
  removeOnComplete: { age: 86_400, count: 10_000 } as InkboxKeepJobs,
  removeOnFail: false as InkboxKeepJobs,
  enqueueTimeoutMs: 5_000,
} as const;

function whole(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InkboxConfigurationError(`delivery.${name} must be a whole number of ${min} or more.`);
  }
  return value;
}

function keep(value: unknown, name: string, fallback: InkboxKeepJobs): InkboxKeepJobs {
  if (value === undefined) return fallback;
  if (
    typeof value === 'boolean' ||
    (typeof value === 'number' && value >= 0) ||
    (typeof value === 'object' && value !== null)
  )
    return value;
  throw new InkboxConfigurationError(
    `delivery.${name} must be a boolean, a count, or { age, count } (as BullMQ's removeOnComplete).`,
  );
}

/** Validates the `delivery` option and applies its defaults. */
export function resolveInkboxDelivery(delivery: InkboxDeliveryOptions | undefined): ResolvedInkboxDelivery {
  if (delivery === undefined || delivery.mode === 'inline') return { mode: 'inline' };
  if (delivery.mode !== 'queue')
    throw new InkboxConfigurationError(`delivery.mode must be 'inline' (default) or 'queue'.`);
  const redis = delivery.redis;
  if (!redis || (!redis.client && !redis.url)) {
    throw new InkboxConfigurationError(
      `delivery.mode 'queue' needs delivery.redis: { url: process.env.REDIS_URL } or { client } (an ioredis instance).`,
    );
  }
  if (redis.url !== undefined && (typeof redis.url !== 'string' || !/^rediss?:\/\//i.test(redis.url))) {
    throw new InkboxConfigurationError('delivery.redis.url must be a redis:// or rediss:// URL.'); // never echo it: it may hold a password
  }
  const queueName = delivery.queueName ?? INKBOX_QUEUE_DEFAULTS.queueName;
  if (typeof queueName !== 'string' || queueName === '' || queueName.includes(':')) {
    throw new InkboxConfigurationError(
      'delivery.queueName must be a non-empty string without ":" (BullMQ reserves it).',
    );
  }
  const d = INKBOX_QUEUE_DEFAULTS;
  return {
    mode: 'queue',
    redis,
    queueName,
    prefix: delivery.prefix,
    concurrency: whole(delivery.concurrency, 'concurrency', d.concurrency, 1),
    attempts: whole(delivery.attempts, 'attempts', d.attempts, 1),
    backoffMs: whole(delivery.backoffMs, 'backoffMs', d.backoffMs, 0),
    leaseMs: whole(delivery.leaseMs, 'leaseMs', d.leaseMs, 100),
    removeOnComplete: keep(delivery.removeOnComplete, 'removeOnComplete', d.removeOnComplete),
    removeOnFail: keep(delivery.removeOnFail, 'removeOnFail', d.removeOnFail),
    enqueueTimeoutMs: whole(delivery.enqueueTimeoutMs, 'enqueueTimeoutMs', d.enqueueTimeoutMs, 1),
  };
}

/**
 * In queue mode the idempotency store defaults to Redis on the queue's Redis, with the queue's lease
 * (so a worker taking over a crashed worker's job can claim its handlers); inline mode keeps the
 * options as given.
 */
export function idempotencyForDelivery(
  idempotency: false | InkboxIdempotencyOptions | undefined,
  delivery: ResolvedInkboxDelivery,
): false | InkboxIdempotencyOptions | undefined {
  if (delivery.mode !== 'queue' || idempotency === false) return idempotency;
  const given = idempotency ?? {};
  if (given.store !== undefined) return given;
  const redis = delivery.redis!;
  return {
    ...given,
    store: 'redis',
    redis: { ...given.redis, ...(redis.client ? { client: redis.client } : { url: redis.url }) },
    leaseMs: given.leaseMs ?? delivery.leaseMs,
  };
}
