import type { InkboxIdempotencyStore } from './inkbox-idempotency-store.interface.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import { InkboxMemoryStore } from './inkbox-memory.store.js';
import { InkboxRedisStore, type InkboxRedisStoreOptions } from './inkbox-redis.store.js';

/**
 * Builds the store the options ask for; `null` when idempotency is off. `'redis'` uses the
 * app's client when one is given (the app keeps owning it), otherwise creates an ioredis client
 * from the URL (ioredis is loaded only in that case) and closes it on shutdown.
 */
export function createInkboxIdempotencyStore(options: ResolvedInkboxOptions): InkboxIdempotencyStore | null {
  const idempotency = options.idempotency;
  if (idempotency === false) return null;
  const store = idempotency.store ?? 'memory';
  if (store === 'memory') return new InkboxMemoryStore(idempotency.maxEntries, Date.now, idempotency.maxBytes);
  if (store === 'redis') {
    const redis: {
      client?: InkboxRedisStoreOptions['client'];
      url?: string;
      keyPrefix?: string;
      commandTimeoutMs?: number;
    } = idempotency.redis ?? {};
    return new InkboxRedisStore({
      client: redis.client,
      url: redis.client ? undefined : redis.url,
      keyPrefix: redis.keyPrefix,
      commandTimeoutMs: redis.commandTimeoutMs,
    });
  }
  return store;
}
