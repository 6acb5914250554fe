import { resolveInkboxOptions } from '../options/inkbox-options';
import type { InkboxIdempotencyStore } from './inkbox-idempotency-store.interface';
import type { InkboxModuleOptions, InkboxRedisClientLike } from '../options/inkbox-module-options.interface';
import { createInkboxIdempotencyStore } from './create-idempotency-store';
import { InkboxMemoryStore } from './inkbox-memory.store';
import { InkboxRedisStore } from './inkbox-redis.store';

const build = (idempotency: InkboxModuleOptions['idempotency']) =>
  createInkboxIdempotencyStore(resolveInkboxOptions({ signingKey: 'whsec_k', idempotency }));

describe('createInkboxIdempotencyStore', () => {
  it('uses the in-memory store by default, and none when idempotency is false', () => {
    expect(build(undefined)).toBeInstanceOf(InkboxMemoryStore);
    expect(build(false)).toBeNull();
  });

  it('bounds the in-memory store by idempotency.maxBytes, and refuses a bound that is not a whole positive number', async () => {
    const store = build({ maxBytes: 16 * 1024 }) as InkboxMemoryStore;
    const options = { leaseMs: 1_000, ttlMs: 60_000 };
    for (let i = 0; i < 2_000; i++) await store.complete(`evt_${i}`, 'H.on', 't', options);
    expect(store.bytes).toBeLessThanOrEqual(16 * 1024);
    expect(store.size).toBeGreaterThan(50);
    expect(store.size).toBeLessThan(2_000);
    expect(() => build({ maxBytes: 0 })).toThrow(/idempotency\.maxBytes must be a whole number of 1 or more/);
    expect(() => build({ maxBytes: 1.5 })).toThrow(/idempotency\.maxBytes/);
  });

  it('returns a custom store as given', () => {
    const custom: InkboxIdempotencyStore = {
      claim: async () => ({ run: [], done: [], busy: [], token: 't' }),
      complete: async () => undefined,
      release: async () => undefined,
    };
    expect(build({ store: custom })).toBe(custom);
  });

  it("builds the Redis store on the app's client, using the key prefix, and leaves the client open", async () => {
    const calls: unknown[][] = [];
    let quits = 0;
    const client: InkboxRedisClientLike = {
      eval: async (...args) => {
        calls.push(args);
        return 'r';
      },
      quit: async () => {
        quits++;
      },
    };
    const store = build({ store: 'redis', redis: { client, keyPrefix: 'app1:' } });
    expect(store).toBeInstanceOf(InkboxRedisStore);
    expect((await store!.claim('evt_1', ['H.h'], { leaseMs: 10, ttlMs: 20 })).run).toEqual(['H.h']);
    expect(calls[0]?.[2]).toBe('app1:evt_1');
    await store!.close?.();
    expect(quits).toBe(0);
  });

  it('refuses the Redis store without a client or URL', () => {
    expect(() => build({ store: 'redis' })).toThrow(/idempotency\.redis\.client/);
  });
});
