import { InkboxConfigurationError } from '../inkbox-options.js';
import type { InkboxIdempotencyStore } from '../interfaces/inkbox-idempotency-store.interface.js';
import type { ResolvedInkboxOptions } from '../interfaces/inkbox-module-options.interface.js';
import { InkboxMemoryStore } from './inkbox-memory.store.js';

/** Builds the store the options ask for; `null` when idempotency is off. */
export function createInkboxIdempotencyStore(options: ResolvedInkboxOptions): InkboxIdempotencyStore | null {
  const idempotency = options.idempotency;
  if (idempotency === false) return null;
  const store = idempotency.store ?? 'memory';
  if (store === 'memory') return new InkboxMemoryStore(idempotency.maxEntries);
  if (store === 'redis') throw new InkboxConfigurationError(`idempotency.store 'redis' is not available in this build.`);
  return store;
}
