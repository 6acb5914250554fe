import type { INestApplication } from '@nestjs/common';
import { InkboxQueueService } from '../../lib';
import { createInkboxEvent } from '../../lib/testing';
import { ensureBuiltCli, runCli } from '../cli/built-cli';
import { describeWithRedis } from '../guarantees/support/redis-env';
import { sendSigned } from '../support/http';
import { createQueueApp, dropQueue, queueDelivery, waitFor, type QueueLog } from './support/queue-test-kit';

describeWithRedis('nestjs-inkbox queue stats | failed | retry', (url) => {
  let app: INestApplication;
  let log: QueueLog;
  let queueName: string;

  beforeAll(() => ensureBuiltCli(), 180_000);
  afterAll(async () => {
    await app?.close();
    if (queueName) await dropQueue(url, queueName);
  });

  it('shows counts and the failed job, retries it by event id, and hides the Redis URL', async () => {
    const delivery = queueDelivery(url, { attempts: 2 });
    queueName = delivery.queueName!;
    ({ app, log } = await createQueueApp({ delivery }));
    const bad = createInkboxEvent('message.received');
    const good = createInkboxEvent('message.sent');
    log.plans.set(`received:${bad.id}`, { alwaysFail: true });
    await sendSigned(app, '/inkbox/webhooks', bad).expect(200);
    await sendSigned(app, '/inkbox/webhooks', good).expect(200);
    const service = app.get(InkboxQueueService);
    expect(
      await waitFor(
        async () => (await service.counts()).failed === 1 && (await service.counts()).completed === 1,
        15_000,
      ),
    ).toBe(true);

    const cli = (args: string[]) => runCli(['queue', ...args, '--queue', queueName], { REDIS_URL: url });
    const stats = await cli(['stats', '--json']);
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1, completed: 1 });

    const failed = await cli(['failed']);
    expect(failed.code).toBe(0);
    expect(failed.stdout).toContain(`${bad.id}  message.received  attempts 2`);
    expect(failed.stdout).toMatch(/Handler QueueHandlers\.onReceived failed: received failed on purpose \(run \d+\)/);
    expect(JSON.parse((await cli(['failed', '--json'])).stdout)).toEqual([
      expect.objectContaining({ eventId: bad.id, attempts: 2 }),
    ]);

    log.plans.set(`received:${bad.id}`, {});
    const retried = await cli(['retry', '--event', String(bad.id)]);
    expect(retried.stdout).toBe('retried 1 failed job\n');
    expect(await waitFor(() => log.completedFor(String(bad.id)).length === 2, 10_000)).toBe(true);
    expect(JSON.parse((await cli(['stats', '--json'])).stdout)).toMatchObject({ failed: 0 });

    const secretUrl = 'redis://user:s3cret-pass@127.0.0.1:1';
    const down = await runCli(['queue', 'stats', '--redis-url', secretUrl]);
    expect(down.code).toBe(1);
    expect(down.stdout + down.stderr).not.toContain('s3cret-pass');
    const usage = await runCli(['queue', 'drain'], { REDIS_URL: url });
    expect(usage.code).toBe(2);
  }, 120_000);
});
