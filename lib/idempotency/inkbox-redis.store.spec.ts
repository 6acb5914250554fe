import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { describeWithRedis, freePort } from '../../test/guarantees/support/redis-env';
import type { InkboxRedisClientLike } from '../options/inkbox-module-options.interface';
import { InkboxRedisStore } from './inkbox-redis.store';

const OPTS = { leaseMs: 60_000, ttlMs: 3_600_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(() => Logger.overrideLogger(false));

describe('InkboxRedisStore — configuration', () => {
  it('needs a client or a URL', () => {
    expect(() => new InkboxRedisStore({})).toThrow(/idempotency\.redis\.client .* or idempotency\.redis\.url/);
  });

  it('rejects a URL that is not redis:// without echoing it (it may hold a password)', () => {
    let message = '';
    try {
      new InkboxRedisStore({ url: 'http://user:s3cret-pw@example.com:6379' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/redis:\/\/ or rediss:\/\//);
    expect(message).not.toContain('s3cret-pw');
  });

  it('rejects a client without eval()', () => {
    expect(() => new InkboxRedisStore({ client: {} as InkboxRedisClientLike })).toThrow(/eval\(\)/);
  });

  it('answers "store unavailable" (rejects) when a call hangs longer than commandTimeoutMs', async () => {
    const hanging: InkboxRedisClientLike = { eval: () => new Promise(() => undefined) };
    const store = new InkboxRedisStore({ client: hanging, commandTimeoutMs: 20 });
    await expect(store.claim('evt_x', ['h'], OPTS)).rejects.toThrow(/did not answer the claim within 20 ms/);
  });

  it('fails a claim promptly when nothing listens at the URL', async () => {
    const port = await freePort();
    const store = new InkboxRedisStore({ url: `redis://127.0.0.1:${port}` });
    try {
      await expect(store.claim('evt_x', ['h'], OPTS)).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});

describeWithRedis('InkboxRedisStore — with redis-server', (url) => {
  let admin: Redis;
  const prefix = `inkbox-test:${randomUUID()}:`;
  const stores: InkboxRedisStore[] = [];
  const make = (extra: { keyPrefix?: string } = {}) => {
    const store = new InkboxRedisStore({ url, keyPrefix: prefix, ...extra });
    stores.push(store);
    return store;
  };

  beforeAll(() => {
    admin = new Redis(url);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    const keys = await admin.keys(`${prefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('claims, reports busy leases, records completion, and releases only with the right token', async () => {
    const store = make();
    const key = `evt_${randomUUID()}`;
    const first = await store.claim(key, ['A.a', 'B.b'], OPTS);
    expect(first.run).toEqual(['A.a', 'B.b']);
    expect(first.done).toEqual([]);
    expect(first.busy).toEqual([]);

    const second = await store.claim(key, ['A.a', 'B.b', 'C.c'], OPTS);
    expect(second.run).toEqual(['C.c']);
    expect(second.busy).toEqual(['A.a', 'B.b']);
    expect(second.token).not.toBe(first.token);

    await store.complete(key, 'A.a', first.token, OPTS);
    await store.release(key, 'B.b', second.token); // not its lease: no effect
    expect((await store.claim(key, ['A.a', 'B.b'], OPTS)).busy).toEqual(['B.b']);
    await store.release(key, 'B.b', first.token);

    const third = await store.claim(key, ['A.a', 'B.b'], OPTS);
    expect(third.done).toEqual(['A.a']);
    expect(third.run).toEqual(['B.b']);
  });

  it('keeps one hash per event under the key prefix, with the TTL set and renewed', async () => {
    const own = `${prefix}custom:`;
    const store = make({ keyPrefix: own });
    const key = `evt_${randomUUID()}`;
    const claim = await store.claim(key, ['A.a'], { leaseMs: 1000, ttlMs: 50_000 });
    const ttl1 = await admin.pttl(own + key);
    expect(ttl1).toBeGreaterThan(0);
    expect(ttl1).toBeLessThanOrEqual(50_000);
    expect(await admin.exists(`inkbox:idem:${key}`)).toBe(0);
    await store.complete(key, 'A.a', claim.token, { leaseMs: 1000, ttlMs: 900_000 });
    const ttl2 = await admin.pttl(own + key);
    expect(ttl2).toBeGreaterThan(50_000);
    expect(await admin.hget(own + key, 'A.a')).toBe('d');
  });

  it('lets exactly one of many concurrent claims (two clients) run each handler', async () => {
    const a = make();
    const b = make();
    const key = `evt_${randomUUID()}`;
    const handlers = ['H.one', 'H.two', 'H.three'];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_v, i) => (i % 2 ? a : b).claim(key, handlers, OPTS)),
    );
    for (const id of handlers) {
      expect(results.filter((r) => r.run.includes(id))).toHaveLength(1);
      expect(results.filter((r) => r.busy.includes(id))).toHaveLength(39);
    }
  });

  it('lets another instance take over a lease once it expires (crashed holder), and the old token cannot release it', async () => {
    const crashed = make();
    const survivor = make();
    const key = `evt_${randomUUID()}`;
    const lease = { leaseMs: 1_000, ttlMs: 60_000 };
    const dead = await crashed.claim(key, ['H.h'], lease);
    expect(dead.run).toEqual(['H.h']);
    expect((await survivor.claim(key, ['H.h'], lease)).busy).toEqual(['H.h']);
    let taken: Awaited<ReturnType<InkboxRedisStore['claim']>> | undefined;
    for (let attempt = 0; attempt < 400 && !taken; attempt++) {
      await sleep(25);
      const claim = await survivor.claim(key, ['H.h'], { leaseMs: 60_000, ttlMs: 60_000 });
      if (claim.run.length === 1) taken = claim;
    }
    expect(taken?.run).toEqual(['H.h']);
    await crashed.release(key, 'H.h', dead.token);
    expect((await survivor.claim(key, ['H.h'], OPTS)).busy).toEqual(['H.h']);
  });

  it('falls back to EVAL when the scripts are not cached, and works with a client that only has eval()', async () => {
    const store = make();
    await admin.script('FLUSH');
    const key = `evt_${randomUUID()}`;
    expect((await store.claim(key, ['H.h'], OPTS)).run).toEqual(['H.h']);
    const evalOnly: InkboxRedisClientLike = { eval: (s, n, ...args) => admin.eval(s, n, ...args) };
    const plain = new InkboxRedisStore({ client: evalOnly, keyPrefix: prefix });
    expect((await plain.claim(key, ['H.h'], OPTS)).busy).toEqual(['H.h']);
  });

  it('does not close a client the app owns; closes the one it created', async () => {
    const appClient = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      const store = new InkboxRedisStore({ client: appClient, keyPrefix: prefix });
      expect((await store.claim(`evt_${randomUUID()}`, ['H.h'], OPTS)).run).toEqual(['H.h']);
      await store.close();
      expect(await appClient.ping()).toBe('PONG');
    } finally {
      await appClient.quit();
    }
    const owned = new InkboxRedisStore({ url, keyPrefix: prefix });
    await owned.claim(`evt_${randomUUID()}`, ['H.h'], OPTS);
    await owned.close();
    await expect(owned.claim(`evt_${randomUUID()}`, ['H.h'], OPTS)).rejects.toThrow();
  });
});
