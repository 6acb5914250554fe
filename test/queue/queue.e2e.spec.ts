import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import request from 'supertest';
import { InkboxQueueService, inkboxJobId } from '../../lib';
import { createInkboxEvent } from '../../lib/testing';
import { OwnRedis, describeWithRedis, freePort } from '../guarantees/support/redis-env';
import { sendSigned } from '../support/http';
import { createQueueApp, dropQueue, queueDelivery, sleep, waitFor, type QueueLog } from './support/queue-test-kit';

const PATH = '/inkbox/webhooks';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describeWithRedis('queue delivery (one app, role all, real redis-server)', (url) => {
  let app: INestApplication;
  let log: QueueLog;
  let queueName: string;

  afterEach(async () => {
    await app?.close().catch(() => undefined);
    if (queueName) await dropQueue(url, queueName);
  });

  async function start(extra: Parameters<typeof queueDelivery>[1] = {}, role?: 'all' | 'receiver' | 'worker') {
    const delivery = queueDelivery(url, extra);
    queueName = delivery.queueName!;
    ({ app, log } = await createQueueApp({ delivery, ...(role ? { role } : {}) }));
  }

  it('answers a delivery at once with {"outcome":"queued"} while a 5 s handler runs later, once', async () => {
    await start({ leaseMs: 10_000, concurrency: 64 });
    const events = Array.from({ length: 50 }, () => createInkboxEvent('message.received'));
    for (const e of events) log.plans.set(`received:${e.id}`, { sleepMs: 5_000 });
    await sendSigned(app, PATH, createInkboxEvent('message.sent')).expect(200); // warm-up: connections and scripts
    const latencies: number[] = [];
    for (const e of events) {
      const started = performance.now();
      const res = await sendSigned(app, PATH, e);
      latencies.push(performance.now() - started);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'queued' });
    }
    // The answers do not wait for the 5 s handlers. (The contract is p99 under 50 ms; on a shared CI
    // machine the bound asserted here is loose on purpose, and the measured value is printed.)
    const p99 = percentile(latencies, 99);
    process.stdout.write(
      `queue mode, 5 s handlers: ack p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${latencies.length} deliveries\n`,
    );
    expect(p99).toBeLessThan(1_000);
    expect(await waitFor(() => events.every((e) => log.completedFor(String(e.id)).length === 2), 20_000)).toBe(true);
    await sleep(300);
    expect(log.completed.filter((c) => c.className === 'MessageSentEvent')).toHaveLength(1); // the warm-up event, '*' only
    for (const e of events) {
      expect(
        log
          .completedFor(String(e.id))
          .map((c) => c.handler)
          .sort(),
      ).toEqual(['any', 'received']);
      expect(log.calls.filter((c) => c.eventId === e.id).length).toBe(2);
    }
    // the handler received the typed class, with the queue's delivery context
    const call = log.completedFor(String(events[0]!.id)).find((c) => c.handler === 'received')!;
    expect(call.className).toBe('MessageReceivedEvent');
    expect(call.attempt).toBe(1);
    expect(call.queuedAt).toBeInstanceOf(Date);
    expect(call.eventKey).toBe(events[0]!.id);
  }, 60_000);

  it('retries a handler that fails twice; the third attempt is told attempt === 3 and the other handler ran once', async () => {
    await start();
    const event = createInkboxEvent('message.received');
    log.plans.set(`received:${event.id}`, { failTimes: 2 });
    expect((await sendSigned(app, PATH, event)).body).toEqual({ outcome: 'queued' });
    expect(await waitFor(() => log.completedFor(String(event.id)).length === 2, 15_000)).toBe(true);
    const runs = log.calls.filter((c) => c.eventId === event.id && c.handler === 'received');
    expect(runs.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(log.calls.filter((c) => c.eventId === event.id && c.handler === 'any').map((c) => c.attempt)).toEqual([1]);
    const service = app.get(InkboxQueueService);
    expect(await waitFor(async () => (await service.counts()).completed === 1, 5_000)).toBe(true);
    // a redelivery of a completed event
    expect((await sendSigned(app, PATH, event)).body).toEqual({ outcome: 'duplicate' });
  }, 30_000);

  it('keeps an always failing event in the failed set after `attempts`, lists it, and retryFailed runs it again', async () => {
    await start({ attempts: 3 });
    const service = app.get(InkboxQueueService);
    const bad = createInkboxEvent('message.received');
    log.plans.set(`received:${bad.id}`, { alwaysFail: true });
    await sendSigned(app, PATH, bad).expect(200);
    expect(await waitFor(async () => (await service.counts()).failed === 1, 15_000)).toBe(true);
    expect(log.calls.filter((c) => c.eventId === bad.id && c.handler === 'received').map((c) => c.attempt)).toEqual([
      1, 2, 3,
    ]);
    const failed = await service.failed();
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ eventId: bad.id, eventType: 'message.received', attempts: 3 });
    expect(failed[0]!.lastError).toContain('received failed on purpose (run 3)');
    expect(failed[0]!.failedAt).toBeInstanceOf(Date);

    // fixed: retry it; only the handler that never completed runs again
    log.plans.set(`received:${bad.id}`, {});
    expect(await service.retryFailed()).toEqual({ retried: 1 });
    expect(await waitFor(() => log.completedFor(String(bad.id)).length === 2, 10_000)).toBe(true);
    expect(log.calls.filter((c) => c.eventId === bad.id && c.handler === 'any')).toHaveLength(1);
    expect(log.completedFor(String(bad.id)).find((c) => c.handler === 'received')!.attempt).toBe(1); // fresh attempts
    expect(
      await waitFor(
        async () => (await service.counts()).failed === 0 && (await service.counts()).completed === 1,
        5_000,
      ),
    ).toBe(true);
    expect(await service.retryFailed(['evt_not_there'])).toEqual({ retried: 0 });
  }, 40_000);

  it('stores one BullMQ job per event: job id = event key, name = event type, documented data', async () => {
    await start({}, 'receiver');
    const event = createInkboxEvent('message.bounced');
    await sendSigned(app, PATH, event).expect(200, { outcome: 'queued' });
    await sendSigned(app, PATH, event).expect(200, { outcome: 'queued' }); // still waiting: the same job
    const noId = { ...createInkboxEvent('message.sent'), id: undefined };
    await sendSigned(app, PATH, noId).expect(200, { outcome: 'queued' });
    const redis = new Redis(url);
    try {
      const job = await redis.hgetall(`bull:${queueName}:${event.id}`);
      expect(job.name).toBe('message.bounced');
      const data = JSON.parse(job.data!);
      expect(data).toMatchObject({ eventKey: event.id, eventType: 'message.bounced', payload: event, params: {} });
      expect(typeof data.requestId).toBe('string');
      expect(new Date(data.receivedAt).getTime()).toBeGreaterThan(0);
      expect(await redis.llen(`bull:${queueName}:wait`)).toBe(2);
      const waiting = await redis.lrange(`bull:${queueName}:wait`, 0, -1);
      expect(waiting.find((id) => id.startsWith('sha256%3A'))).toMatch(/^sha256%3A[0-9a-f]{64}$/);
    } finally {
      await redis.quit();
    }
    // a receiver runs no handler
    await sleep(300);
    expect(log.calls).toEqual([]);
    expect(await app.get(InkboxQueueService).counts()).toEqual({
      waiting: 2,
      active: 0,
      delayed: 0,
      failed: 0,
      completed: 0,
    });
  });

  it('graceful shutdown: closing the app lets the active job finish (within leaseMs) before the worker stops', async () => {
    await start({ leaseMs: 10_000 });
    const slow = createInkboxEvent('message.received');
    log.plans.set(`received:${slow.id}`, { sleepMs: 1_500 });
    await sendSigned(app, PATH, slow).expect(200);
    expect(await waitFor(() => log.calls.some((c) => c.eventId === slow.id), 5_000)).toBe(true);
    const redis = new Redis(url);
    try {
      await app.close();
      expect(
        log
          .completedFor(String(slow.id))
          .map((c) => c.handler)
          .sort(),
      ).toEqual(['any', 'received']);
      expect(await redis.zscore(`bull:${queueName}:completed`, String(slow.id))).not.toBeNull();
      expect(await redis.llen(`bull:${queueName}:active`)).toBe(0);
    } finally {
      await redis.quit();
    }
  }, 30_000);

  it('a worker declares no webhook route', async () => {
    await start({}, 'worker');
    const res = await request(app.getHttpServer()).post(PATH).set('content-type', 'application/json').send('{}');
    expect(res.status).toBe(404);
  });

  it('rejects bad deliveries as inline mode does, and queues nothing for them', async () => {
    await start({}, 'receiver');
    await sendSigned(app, PATH, createInkboxEvent('message.received'), { key: 'whsec_wrong' }).expect(401);
    await sendSigned(app, PATH, { event_type: 'message.received' }).expect(400);
    expect(await app.get(InkboxQueueService).counts()).toEqual({
      waiting: 0,
      active: 0,
      delayed: 0,
      failed: 0,
      completed: 0,
    });
  });
});

describe('queue delivery when Redis cannot be reached', () => {
  it('answers 503 (so Inkbox retries), within enqueueTimeoutMs', async () => {
    const port = await freePort();
    const { app } = await createQueueApp({
      role: 'receiver',
      delivery: queueDelivery(`redis://127.0.0.1:${port}`, { enqueueTimeoutMs: 500 }),
    });
    try {
      const started = Date.now();
      const res = await sendSigned(app, PATH, createInkboxEvent('message.received'));
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/queue is unavailable/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await app.close();
    }
  });
});

describe('queue delivery when Redis goes away and comes back (a redis-server this test starts and kills)', () => {
  it('answers 503 while Redis is down and queues again once it is back', async () => {
    const redis = await OwnRedis.start();
    const { app } = await createQueueApp({
      role: 'receiver',
      delivery: queueDelivery(redis.url, { enqueueTimeoutMs: 2_000 }),
    });
    try {
      await sendSigned(app, PATH, createInkboxEvent('message.received')).expect(200, { outcome: 'queued' });
      await redis.kill();
      const event = createInkboxEvent('message.received');
      const started = Date.now();
      expect((await sendSigned(app, PATH, event)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(5_000);
      await redis.restart();
      // the client reconnects by itself; Inkbox's retry then succeeds
      expect(await waitFor(async () => (await sendSigned(app, PATH, event)).status === 200, 20_000, 250)).toBe(true);
      expect((await sendSigned(app, PATH, event)).body).toEqual({ outcome: 'queued' });
    } finally {
      await app.close().catch(() => undefined);
      await redis.kill();
    }
  }, 60_000);
});

describe('inkboxJobId', () => {
  it('keeps evt_ ids, escapes ":" and "%", and never yields a whole number', () => {
    expect(inkboxJobId('evt_abc')).toBe('evt_abc');
    expect(inkboxJobId('sha256:ab')).toBe('sha256%3Aab');
    expect(inkboxJobId('a%3Ab')).toBe('a%253Ab');
    expect(inkboxJobId('123')).toBe('%123');
    expect(new Set(['a:b', 'a%3Ab', '123', '%123'].map(inkboxJobId)).size).toBe(4);
  });
});
