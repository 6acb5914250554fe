import { createRequire } from 'node:module';
import { join } from 'node:path';
import { InkboxConfigurationError } from '../options/inkbox-options.js';
import type { BullMqModule } from './bullmq.types.js';

let cached: BullMqModule | undefined;

/**
 * Loads `bullmq`, only when queue mode is on (the inline path never loads it). Resolved from the
 * library's own location when known (CommonJS), then from the app's entry script, then from the
 * working directory, as the Redis idempotency store loads ioredis.
 */
export function loadBullMq(): BullMqModule {
  if (cached) return cached;
  const bases: string[] = [];
  if (typeof __filename === 'string') bases.push(__filename);
  if (typeof process.argv[1] === 'string' && process.argv[1] !== '') bases.push(process.argv[1]);
  bases.push(join(process.cwd(), 'noop.js'));
  for (const base of bases) {
    let mod: Partial<BullMqModule> & { default?: Partial<BullMqModule> };
    try {
      mod = createRequire(base)('bullmq') as typeof mod;
    } catch (error) {
      if ((error as { code?: string })?.code === 'MODULE_NOT_FOUND') continue;
      throw error;
    }
    const found = typeof mod.Queue === 'function' ? mod : mod.default;
    if (typeof found?.Queue === 'function' && typeof found.Worker === 'function') {
      cached = found as BullMqModule;
      return cached;
    }
  }
  throw new InkboxConfigurationError("delivery.mode 'queue' needs the bullmq package: run `npm install bullmq`.");
}
