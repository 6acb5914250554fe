import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { InkboxMemoryStore } from '../../lib/idempotency/inkbox-memory.store';
import { InkboxRedisStore } from '../../lib/idempotency/inkbox-redis.store';
import { describeWithRedis } from '../guarantees/support/redis-env';

const LEASE = { leaseMs: 200, ttlMs: 600_000 };

/** Claims until the handler can run again (its lease expired); bounded, never a tight timing check. */
async function claimUntilRunnable(
  store: { claim: InkboxRedisStore['claim'] },
  key: string,
  boundMs = 10_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const claim = await store.claim(key, ['h'], LEASE);
    if (claim.run.includes('h')) return Date.now() - started;
    if (Date.now() - started > boundMs)
      throw new Error(`the lease of ${LEASE.leaseMs} ms still held after ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeWithRedis('InkboxRedisStore: leaseMs bounds a claim, ttlMs bounds the record', (url) => {
  let store: InkboxRedisStore;
  let redis: Redis;
  const prefix = `harden-${randomUUID()}:`;
  beforeAll(() => {
    store = new InkboxRedisStore({ url, keyPrefix: prefix });
    redis = new Redis(url);
  });
  afterAll(async () => {
    await store.close?.();
    redis.disconnect();
  });

  it('an unfinished claim is busy at once and can be taken over after leaseMs', async () => {
    const key = `evt_${randomUUID()}`;
    expect((await store.claim(key, ['h'], LEASE)).run).toEqual(['h']);
    expect((await store.claim(key, ['h'], LEASE)).busy).toEqual(['h']);
    await claimUntilRunnable(store, key);
  });

  it('the record lives for ttlMs, far longer than the lease', async () => {
    const key = `evt_${randomUUID()}`;
    const claim = await store.claim(key, ['h'], LEASE);
    expect(await redis.pttl(prefix + key)).toBeGreaterThan(LEASE.leaseMs * 10);
    await store.complete(key, 'h', claim.token, LEASE);
    expect(await redis.pttl(prefix + key)).toBeGreaterThan(LEASE.leaseMs * 10);
    await new Promise((r) => setTimeout(r, LEASE.leaseMs * 2));
    expect((await store.claim(key, ['h'], LEASE)).done).toEqual(['h']);
  });
});

describe('InkboxMemoryStore: leaseMs bounds a claim, ttlMs bounds the record', () => {
  it('an unfinished claim can be taken over after leaseMs; a completed one stays done', async () => {
    const store = new InkboxMemoryStore(1000);
    expect((await store.claim('a', ['h'], LEASE)).run).toEqual(['h']);
    expect((await store.claim('a', ['h'], LEASE)).busy).toEqual(['h']);
    await claimUntilRunnable(store, 'a');
    const claim = await store.claim('b', ['h'], LEASE);
    await store.complete('b', 'h', claim.token, LEASE);
    await new Promise((r) => setTimeout(r, LEASE.leaseMs * 2));
    expect((await store.claim('b', ['h'], LEASE)).done).toEqual(['h']);
  });
});
