import { createHash } from 'node:crypto';
import type { InkboxIdempotencyStore } from '../../lib';
import { createInkboxEvent } from '../../lib/testing';
import { FIRST, SECOND, deliver, sleep, startGuaranteeApp, type GuaranteeApp } from './support/guarantee-app';

const received = () => createInkboxEvent('message.received');

describe('exactly-once processing — in-memory store (default)', () => {
  let g: GuaranteeApp;
  beforeAll(async () => {
    g = await startGuaranteeApp();
  });
  afterAll(() => g.close());

  it('runs each handler once; a redelivery after full success answers 200 "duplicate" and runs nothing', async () => {
    const event = received();
    const first = await deliver(g.url, event);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ outcome: 'processed' });
    for (let i = 0; i < 3; i++) {
      const again = await deliver(g.url, event); // new request id and timestamp each time, as Inkbox's retries and replays
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ outcome: 'duplicate' });
    }
    expect(g.probe.count(FIRST, event.id)).toBe(1);
    expect(g.probe.count(SECOND, event.id)).toBe(1);
  });

  it('after a partial failure, a redelivery runs only the handlers that failed', async () => {
    const event = received();
    g.probe.failNext(SECOND, event.id);
    const failed = await deliver(g.url, event);
    expect(failed.status).toBe(500);
    expect(failed.body.message).toContain(SECOND);
    expect(failed.body.message).not.toContain(FIRST);
    expect(g.probe.count(FIRST, event.id)).toBe(1);
    expect(g.probe.count(SECOND, event.id)).toBe(1);

    const retry = await deliver(g.url, event);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ outcome: 'processed' });
    expect(g.probe.count(FIRST, event.id)).toBe(1);
    expect(g.probe.count(SECOND, event.id)).toBe(2);
    expect(g.probe.succeeded(SECOND, event.id)).toBe(1);

    expect((await deliver(g.url, event)).body).toEqual({ outcome: 'duplicate' });
    expect(g.probe.count(SECOND, event.id)).toBe(2);
  });

  it('keeps failing handlers retryable until they succeed, never rerunning the others', async () => {
    const event = received();
    g.probe.failNext(FIRST, event.id, 3);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      const res = await deliver(g.url, event);
      statuses.push(res.status);
      if (res.status === 200) break;
    }
    expect(statuses).toEqual([500, 500, 500, 200]);
    expect(g.probe.count(FIRST, event.id)).toBe(4);
    expect(g.probe.succeeded(FIRST, event.id)).toBe(1);
    expect(g.probe.count(SECOND, event.id)).toBe(1);
  });

  it('answers 409 to a duplicate that arrives while the first delivery is still running, then "duplicate" once it is done', async () => {
    const event = received();
    const gate = g.probe.gate(FIRST, event.id);
    const firstDelivery = deliver(g.url, event).then((r) => r);
    await gate.entered;
    const concurrent = await deliver(g.url, event);
    expect(concurrent.status).toBe(409);
    expect(concurrent.body.message).toContain(FIRST);
    expect(concurrent.body.message).toMatch(/retry later/);
    gate.open();
    const first = await firstDelivery;
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ outcome: 'processed' });
    expect((await deliver(g.url, event)).body).toEqual({ outcome: 'duplicate' });
    expect(g.probe.count(FIRST, event.id)).toBe(1);
    expect(g.probe.count(SECOND, event.id)).toBe(1);
  });

  it('when the first delivery fails while a duplicate got 409, the retry runs the failed handler once', async () => {
    const event = received();
    const gate = g.probe.gate(FIRST, event.id);
    g.probe.failNext(FIRST, event.id);
    const firstDelivery = deliver(g.url, event).then((r) => r);
    await gate.entered;
    expect((await deliver(g.url, event)).status).toBe(409);
    gate.open();
    expect((await firstDelivery).status).toBe(500);
    const retry = await deliver(g.url, event);
    expect(retry.body).toEqual({ outcome: 'processed' });
    expect(g.probe.count(FIRST, event.id)).toBe(2);
    expect(g.probe.succeeded(FIRST, event.id)).toBe(1);
    expect(g.probe.count(SECOND, event.id)).toBe(1);
  });

  it('lets 30 simultaneous deliveries of one event run each handler exactly once', async () => {
    const event = received();
    const answers = await Promise.all(Array.from({ length: 30 }, () => deliver(g.url, event)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    expect(answers.filter((a) => a.body.outcome === 'processed')).toHaveLength(1);
    expect(g.probe.count(FIRST, event.id)).toBe(1);
    expect(g.probe.count(SECOND, event.id)).toBe(1);
    expect((await deliver(g.url, event)).body).toEqual({ outcome: 'duplicate' });
  });

  it('deduplicates on the payload id, not on the request id or timestamp', async () => {
    const event = received();
    const before = g.probe.deliveries.length;
    const now = Math.floor(Date.now() / 1000);
    expect((await deliver(g.url, event, { timestamp: now - 100 })).body).toEqual({ outcome: 'processed' });
    expect((await deliver(g.url, event, { timestamp: now })).body).toEqual({ outcome: 'duplicate' });
    const sameIdOtherBody = {
      ...event,
      data: { ...event.data, message: { ...event.data.message, subject: 'changed' } },
    };
    expect((await deliver(g.url, sameIdOtherBody)).body).toEqual({ outcome: 'duplicate' });
    const mine = g.probe.deliveries.slice(before);
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((d) => d.eventKey))).toEqual(new Set([event.id]));
  });

  it('without a payload id (older payloads), deduplicates on a SHA-256 of the exact body bytes', async () => {
    const { id: _omit, ...legacy } = received();
    const body = JSON.stringify(legacy);
    const key = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    expect((await deliver(g.url, body)).body).toEqual({ outcome: 'processed' });
    expect((await deliver(g.url, body)).body).toEqual({ outcome: 'duplicate' });
    expect(g.probe.count(FIRST, key)).toBe(1);
    const reformatted = JSON.stringify(legacy, null, 2); // other bytes: another event as far as the hash can tell
    expect((await deliver(g.url, reformatted)).body).toEqual({ outcome: 'processed' });
  });

  it('lets a redelivery take over the claim of a delivery that crashed, once its lease expires', async () => {
    const short = await startGuaranteeApp({ idempotency: { leaseMs: 1_500 } });
    try {
      const event = received();
      // A delivery claimed both handlers, then its process died: nothing will complete or release them.
      const crashed = await short.store!.claim(event.id, [FIRST, SECOND], { leaseMs: 1_500, ttlMs: 60_000 });
      expect(crashed.run).toEqual([FIRST, SECOND]);
      expect((await deliver(short.url, event)).status).toBe(409);
      expect(short.probe.total()).toBe(0);
      let answer = 409;
      for (let attempt = 0; attempt < 400 && answer === 409; attempt++) {
        await sleep(25);
        answer = (await deliver(short.url, event)).status;
      }
      expect(answer).toBe(200);
      expect(short.probe.count(FIRST, event.id)).toBe(1);
      expect(short.probe.count(SECOND, event.id)).toBe(1);
      expect((await deliver(short.url, event)).body).toEqual({ outcome: 'duplicate' });
    } finally {
      await short.close();
    }
  });
});

describe('exactly-once processing — turned off and failing stores', () => {
  it('idempotency: false runs every delivery, duplicates and concurrent ones included', async () => {
    const g = await startGuaranteeApp({ idempotency: false });
    try {
      const event = received();
      expect((await deliver(g.url, event)).body).toEqual({ outcome: 'processed' });
      expect((await deliver(g.url, event)).body).toEqual({ outcome: 'processed' });
      const gate = g.probe.gate(FIRST, event.id);
      const pending = deliver(g.url, event).then((r) => r);
      await gate.entered;
      expect((await deliver(g.url, event)).body).toEqual({ outcome: 'processed' });
      gate.open();
      expect((await pending).status).toBe(200);
      expect(g.probe.count(FIRST, event.id)).toBe(4);
      expect(g.probe.count(SECOND, event.id)).toBe(4);
    } finally {
      await g.close();
    }
  });

  const broken = (failOn: 'claim' | 'complete'): InkboxIdempotencyStore => ({
    claim: async (_key, handlerIds) => {
      if (failOn === 'claim') throw new Error('connection refused');
      return { run: [...handlerIds], done: [], busy: [], token: 't' };
    },
    complete: async () => {
      throw new Error('connection reset');
    },
    release: async () => undefined,
  });

  it('fails closed by default: a store outage answers 503 and runs no handler', async () => {
    const g = await startGuaranteeApp({ idempotency: { store: broken('claim') } });
    try {
      const event = received();
      const res = await deliver(g.url, event);
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/idempotency store is unavailable; retry later/);
      expect(g.probe.total()).toBe(0);
    } finally {
      await g.close();
    }
  });

  it("onStoreError: 'open' runs the handlers without duplicate protection during an outage", async () => {
    const g = await startGuaranteeApp({ idempotency: { store: broken('claim'), onStoreError: 'open' } });
    try {
      const event = received();
      expect((await deliver(g.url, event)).body).toEqual({ outcome: 'processed' });
      expect((await deliver(g.url, event)).body).toEqual({ outcome: 'processed' });
      expect(g.probe.count(FIRST, event.id)).toBe(2);
    } finally {
      await g.close();
    }
  });

  it('answers 200 when a handler succeeded but its completion could not be recorded (it did run)', async () => {
    const g = await startGuaranteeApp({ idempotency: { store: broken('complete') } });
    try {
      const event = received();
      expect((await deliver(g.url, event)).body).toEqual({ outcome: 'processed' });
      expect(g.probe.succeeded(FIRST, event.id)).toBe(1);
      expect(g.probe.succeeded(SECOND, event.id)).toBe(1);
    } finally {
      await g.close();
    }
  });
});
