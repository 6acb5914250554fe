import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { InkboxRedisStore } from '../../lib/idempotency/inkbox-redis.store';
import { createInkboxEvent } from '../../lib/testing';
import { FIRST, SECOND, deliver, sleep, startGuaranteeApp, type GuaranteeApp } from './support/guarantee-app';
import { OwnRedis, describeWithRedis } from './support/redis-env';

const received = () => createInkboxEvent('message.received');

/** Redelivers until the answer is not `retryable` (bounded); returns the last answer. */
async function deliverUntil(url: string, event: unknown, retryable: number[]) {
  let res = await deliver(url, event);
  for (let attempt = 0; attempt < 400 && retryable.includes(res.status); attempt++) {
    await sleep(25);
    res = await deliver(url, event);
  }
  return res;
}

describeWithRedis('exactly-once across two app instances sharing Redis', (url) => {
  const keyPrefix = `inkbox-e2e:${randomUUID()}:`;
  let a: GuaranteeApp;
  let b: GuaranteeApp;
  const both = () => ({
    first: (id: string) => a.probe.count(FIRST, id) + b.probe.count(FIRST, id),
    second: (id: string) => a.probe.count(SECOND, id) + b.probe.count(SECOND, id),
  });

  beforeAll(async () => {
    const idempotency = { store: 'redis' as const, redis: { url, keyPrefix }, leaseMs: 60_000 };
    a = await startGuaranteeApp({ idempotency });
    b = await startGuaranteeApp({ idempotency });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    const admin = new Redis(url);
    const keys = await admin.keys(`${keyPrefix}*`);
    if (keys.length > 0) await admin.del(...keys);
    await admin.quit();
  });

  it('a redelivery to the other instance is a duplicate', async () => {
    const event = received();
    expect((await deliver(a.url, event)).body).toEqual({ outcome: 'processed' });
    expect((await deliver(b.url, event)).body).toEqual({ outcome: 'duplicate' });
    expect((await deliver(a.url, event)).body).toEqual({ outcome: 'duplicate' });
    expect(both().first(event.id)).toBe(1);
    expect(both().second(event.id)).toBe(1);
  });

  it('after a partial failure on one instance, the retry on the other runs only the failed handler', async () => {
    const event = received();
    a.probe.failNext(SECOND, event.id);
    expect((await deliver(a.url, event)).status).toBe(500);
    expect((await deliver(b.url, event)).body).toEqual({ outcome: 'processed' });
    expect(a.probe.count(FIRST, event.id)).toBe(1);
    expect(b.probe.count(FIRST, event.id)).toBe(0);
    expect(b.probe.succeeded(SECOND, event.id)).toBe(1);
    expect(both().second(event.id)).toBe(2);
  });

  it('a duplicate arriving at the other instance while the first runs gets 409', async () => {
    const event = received();
    const gate = a.probe.gate(FIRST, event.id);
    const pending = deliver(a.url, event).then((r) => r);
    await gate.entered;
    const concurrent = await deliver(b.url, event);
    expect(concurrent.status).toBe(409);
    gate.open();
    expect((await pending).body).toEqual({ outcome: 'processed' });
    expect((await deliver(b.url, event)).body).toEqual({ outcome: 'duplicate' });
    expect(both().first(event.id)).toBe(1);
    expect(both().second(event.id)).toBe(1);
  });

  it('40 simultaneous deliveries split over both instances run each handler exactly once', async () => {
    const event = received();
    const answers = await Promise.all(Array.from({ length: 40 }, (_v, i) => deliver(i % 2 ? a.url : b.url, event)));
    expect(answers.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(answers.filter((r) => r.body.outcome === 'processed')).toHaveLength(1);
    expect(both().first(event.id)).toBe(1);
    expect(both().second(event.id)).toBe(1);
  });

  it('an instance takes over the claim of an instance that crashed, once the lease expires', async () => {
    const event = received();
    const crashedInstance = new InkboxRedisStore({ url, keyPrefix });
    try {
      const claim = await crashedInstance.claim(event.id, [FIRST, SECOND], { leaseMs: 1_500, ttlMs: 60_000 });
      expect(claim.run).toEqual([FIRST, SECOND]);
    } finally {
      await crashedInstance.close(); // the process is gone; its lease stays behind
    }
    expect((await deliver(b.url, event)).status).toBe(409);
    const res = await deliverUntil(b.url, event, [409]);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(both().first(event.id)).toBe(1);
    expect(both().second(event.id)).toBe(1);
  });
});

describeWithRedis('Redis outage (a redis-server this test starts and kills)', () => {
  let redis: OwnRedis;
  let closed: GuaranteeApp;
  let open: GuaranteeApp;

  beforeAll(async () => {
    redis = await OwnRedis.start();
    closed = await startGuaranteeApp({ idempotency: { store: 'redis', redis: { url: redis.url } } });
    open = await startGuaranteeApp({
      idempotency: { store: 'redis', redis: { url: redis.url, keyPrefix: 'open:' }, onStoreError: 'open' },
    });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
    await redis?.kill();
  });

  it('fails closed (503, no handler runs) while Redis is down, and processes the retries exactly once when it is back', async () => {
    const before = received();
    expect((await deliver(closed.url, before)).body).toEqual({ outcome: 'processed' });

    // A delivery in flight when Redis dies: its handler succeeds, the completion cannot be recorded.
    const inFlight = received();
    const gate = closed.probe.gate(FIRST, inFlight.id);
    const pending = deliver(closed.url, inFlight).then((r) => r);
    await gate.entered;

    await redis.kill();
    gate.open();
    expect((await pending).body).toEqual({ outcome: 'processed' });
    expect(closed.probe.succeeded(FIRST, inFlight.id)).toBe(1);

    const during = [received(), received(), received()];
    for (const event of during) {
      const res = await deliver(closed.url, event);
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/unavailable; retry later/);
    }
    expect((await deliver(closed.url, before)).status).toBe(503);
    for (const event of during)
      expect(closed.probe.count(FIRST, event.id) + closed.probe.count(SECOND, event.id)).toBe(0);

    await redis.restart();
    for (const event of during) {
      const res = await deliverUntil(closed.url, event, [503]);
      expect(res.body).toEqual({ outcome: 'processed' });
      expect(closed.probe.count(FIRST, event.id)).toBe(1);
      expect(closed.probe.count(SECOND, event.id)).toBe(1);
      expect((await deliver(closed.url, event)).body).toEqual({ outcome: 'duplicate' });
    }
  });

  it("with onStoreError: 'open', runs the handlers unprotected while Redis is down", async () => {
    const event = received();
    await redis.kill();
    try {
      expect((await deliver(open.url, event)).body).toEqual({ outcome: 'processed' });
      expect((await deliver(open.url, event)).body).toEqual({ outcome: 'processed' });
      expect(open.probe.count(FIRST, event.id)).toBe(2); // no protection: that is what 'open' means
    } finally {
      await redis.restart();
    }
    const after = received();
    const res = await deliverUntil(open.url, after, []);
    expect(res.body).toEqual({ outcome: 'processed' });
  });
});
