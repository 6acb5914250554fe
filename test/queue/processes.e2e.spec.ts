import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { createInkboxEvent } from '../../lib/testing';
import { describeWithRedis } from '../guarantees/support/redis-env';
import { dropQueue, sleep, waitFor } from './support/queue-test-kit';
import { deliver, readRecords, startQueueProcess, type QueueProcess } from './support/queue-processes';

const KEY = `whsec_processes_${randomUUID()}`;

describeWithRedis('queue delivery across processes (receiver and workers apart, real redis-server)', (url) => {
  let redis: Redis;
  const processes: QueueProcess[] = [];
  let env: Record<string, string>;

  beforeAll(() => {
    redis = new Redis(url);
  });
  beforeEach(() => {
    const run = randomUUID();
    env = {
      REDIS_URL: url,
      LOAD_KEY: KEY,
      QUEUE_NAME: `inkbox-proc-${run}`,
      RECORD_PREFIX: `inkbox-proc-rec:${run}`,
      IDEM_PREFIX: `inkbox-proc-idem:${run}:`,
      BACKOFF_MS: '50',
      ATTEMPTS: '5',
    };
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill()));
    await dropQueue(url, env.QUEUE_NAME!);
    const keys = [...(await redis.keys(`${env.RECORD_PREFIX}*`)), ...(await redis.keys(`${env.IDEM_PREFIX}*`))];
    if (keys.length > 0) await redis.del(...keys);
  });
  afterAll(async () => {
    await redis.quit();
  });

  async function start(extra: Record<string, string>): Promise<QueueProcess> {
    const p = await startQueueProcess({ ...env, ...extra });
    processes.push(p);
    return p;
  }

  it('processes every delivery accepted while no worker ran, once a worker starts', async () => {
    const receiver = await start({ ROLE: 'receiver' });
    const events = Array.from({ length: 40 }, (_, i) =>
      createInkboxEvent(i % 4 === 0 ? 'message.failed' : 'message.received'),
    );
    for (const e of events)
      expect(await deliver(receiver.port, e, KEY)).toEqual({ status: 200, body: '{"outcome":"queued"}' });
    await sleep(500);
    expect((await readRecords(redis, env.RECORD_PREFIX!)).runs.size).toBe(0);

    await start({ ROLE: 'worker' });
    const expected = events.flatMap((e) =>
      e.event_type === 'message.failed' ? [`flaky|${e.id}`, `any|${e.id}`] : [`received|${e.id}`, `any|${e.id}`],
    );
    expect(
      await waitFor(
        async () => (await readRecords(redis, env.RECORD_PREFIX!)).done.size === expected.length,
        30_000,
        200,
      ),
    ).toBe(true);
    await sleep(500);
    const { done } = await readRecords(redis, env.RECORD_PREFIX!);
    expect([...done.keys()].sort()).toEqual(expected.sort());
    expect([...done.values()].every((n) => n === 1)).toBe(true);
    // a redelivery of a completed event, to the receiver
    expect(await deliver(receiver.port, events[1], KEY)).toEqual({ status: 200, body: '{"outcome":"duplicate"}' });
  }, 120_000);

  it('kill -9 of a worker mid-handler: another worker takes the jobs over after leaseMs; all complete, none twice', async () => {
    const receiver = await start({ ROLE: 'receiver' });
    const slow = { LEASE_MS: '2000', HANDLER_MS: '4000', CONCURRENCY: '8' };
    const doomed = await start({ ROLE: 'worker', ...slow });
    const events = Array.from({ length: 6 }, () => createInkboxEvent('message.received'));
    for (const e of events) expect((await deliver(receiver.port, e, KEY)).status).toBe(200);
    // every handler of every event is running in the doomed worker
    expect(
      await waitFor(
        async () => (await readRecords(redis, env.RECORD_PREFIX!)).runs.size === events.length * 2,
        20_000,
        50,
      ),
    ).toBe(true);
    await doomed.kill();
    const killedAt = Date.now();
    await start({ ROLE: 'worker', ...slow, HANDLER_MS: '100' });
    expect(
      await waitFor(
        async () => (await readRecords(redis, env.RECORD_PREFIX!)).done.size === events.length * 2,
        30_000,
        100,
      ),
    ).toBe(true);
    const tookOverAfter = Date.now() - killedAt;
    await sleep(1_000);
    const { runs, done } = await readRecords(redis, env.RECORD_PREFIX!);
    expect([...done.values()].every((n) => n === 1)).toBe(true); // none completed twice
    expect([...runs.values()].every((n) => n === 2)).toBe(true); // the interrupted handlers ran again (at least once)
    const byWorker = await redis.hgetall(`${env.RECORD_PREFIX}:done-by`);
    expect(Object.values(byWorker).every((pid) => pid !== String(doomed.pid))).toBe(true);
    expect(tookOverAfter).toBeGreaterThanOrEqual(1_800);
  }, 120_000);
});
