import type { ResolvedInkboxQueueDelivery } from '../options/inkbox-delivery-options.interface.js';

/**
 * BullMQ connection options for one use. With a URL, the producer fails fast when Redis is
 * unreachable (no offline queue, one retry), so a delivery is answered 503 at once; the worker's
 * connection keeps retrying (BullMQ needs `maxRetriesPerRequest: null` there). A client the app
 * gave is used as it is.
 */
export function inkboxQueueConnection(settings: ResolvedInkboxQueueDelivery, use: 'producer' | 'worker'): object {
  const redis = settings.redis!;
  if (redis.client) return redis.client;
  if (use === 'worker') return { url: redis.url, maxRetriesPerRequest: null };
  return { url: redis.url, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 5_000 };
}

/** Options of a job the receiver adds: attempts, exponential backoff, and how long finished jobs stay. */
export function inkboxJobOptions(settings: ResolvedInkboxQueueDelivery, jobId: string): Record<string, unknown> {
  return {
    jobId,
    attempts: settings.attempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: settings.removeOnComplete,
    removeOnFail: settings.removeOnFail,
  };
}

/** How a failed job is retried: with a fresh set of attempts. */
export const FRESH_ATTEMPTS = { resetAttemptsMade: true, resetAttemptsStarted: true } as const;
