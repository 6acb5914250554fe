import { Controller, Get, type INestApplication } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import request from 'supertest';
import { InkboxHealthIndicator, type InkboxHandlerErrorInfo, type InkboxIdempotencyStore } from '../../lib';
import { createInkboxEvent } from '../../lib/testing';
import { describeWithRedis } from '../guarantees/support/redis-env';
import { sendSigned } from '../support/http';
import { ADAPTERS, Recorder, createEnhancedApp } from './support/enhanced-app';

const PATH = '/inkbox/webhooks';

/** The `/health` route of the docs: Terminus with the Inkbox indicator. */
@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly inkbox: InkboxHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.inkbox.isHealthy('inkbox', { maxFailedJobs: 5, timeoutMs: 500 })]);
  }
}

const health = { imports: [TerminusModule], controllers: [HealthController] };

describe.each(ADAPTERS)('error hooks (%s)', (adapter) => {
  let app: INestApplication;
  let rec: Recorder;
  const optionHook: InkboxHandlerErrorInfo[] = [];

  beforeAll(async () => {
    app = await createEnhancedApp({
      adapter,
      inkbox: {
        idempotency: false,
        // records, then never settles: the delivery must not wait for it
        onHandlerError: (info) => {
          optionHook.push(info);
          return new Promise(() => undefined);
        },
      },
    });
    rec = app.get(Recorder);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    rec.reset();
    optionHook.length = 0;
  });

  it('@OnInkboxHandlerError and onHandlerError get { error, event, delivery, handler } for each failure; a failing hook changes nothing', async () => {
    const payload = createInkboxEvent('message.received', { data: { message: { subject: 'boom' } } });
    const res = await sendSigned(app, PATH, payload);
    expect(res.status).toBe(500);
    expect(rec.calls.sort()).toEqual(['guarded', 'onReceived']);
    for (const calls of [rec.hookCalls, optionHook]) {
      expect(calls).toHaveLength(1);
      const info = calls[0]!;
      expect(info.handler).toBe('EnhancedHandlers.onReceived');
      expect(info.error).toBeInstanceOf(Error);
      expect(info.error.message).toBe('handler exploded');
      expect(info.event.constructor.name).toBe('MessageReceivedEvent');
      expect(info.event.id).toBe(payload.id);
      expect(info.delivery.eventKey).toBe(payload.id);
    }
    // the app keeps answering after the hooks threw and hung
    const next = await sendSigned(
      app,
      PATH,
      createInkboxEvent('message.received', { data: { message: { subject: 'fine' } } }),
    );
    expect(next.status).toBe(200);
  });

  it('no hook runs for successes or for handlers skipped by a guard', async () => {
    expect(
      (await sendSigned(app, PATH, createInkboxEvent('message.received', { data: { message: { subject: 'deny' } } })))
        .status,
    ).toBe(200);
    expect(
      (await sendSigned(app, PATH, createInkboxEvent('message.bounced', { data: { message: { subject: 'deny' } } })))
        .status,
    ).toBe(200);
    expect(rec.hookCalls).toEqual([]);
    expect(optionHook).toEqual([]);
  });
});

/** A store whose backend is down. */
const downStore: InkboxIdempotencyStore = {
  claim: () => Promise.reject(new Error('connection refused')),
  complete: () => Promise.resolve(),
  release: () => Promise.resolve(),
};

describe.each(ADAPTERS)('InkboxHealthIndicator with @nestjs/terminus (%s)', (adapter) => {
  let up: INestApplication;
  let down: INestApplication;

  beforeAll(async () => {
    up = await createEnhancedApp({ adapter, ...health });
    down = await createEnhancedApp({ adapter, ...health, inkbox: { idempotency: { store: downStore } } });
  });
  afterAll(async () => {
    await up.close();
    await down.close();
  });

  it('GET /health is 200 while the idempotency store answers', async () => {
    const res = await request(up.getHttpServer()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', info: { inkbox: { status: 'up', store: 'up' } } });
  });

  it('GET /health is 503 and says why when the store is unreachable', async () => {
    const res = await request(down.getHttpServer()).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.error.inkbox).toMatchObject({ status: 'down', store: 'down' });
    expect(res.body.error.inkbox.message).toMatch(/idempotency store: connection refused/);
  });

  it('a registered queue probe: up with its counts, down over maxFailedJobs or when the queue does not answer', async () => {
    const indicator = up.get(InkboxHealthIndicator);
    indicator.registerQueueProbe(async () => ({ waiting: 2, failed: 1 }));
    let res = await request(up.getHttpServer()).get('/health');
    expect(res.status).toBe(200);
    expect(res.body.info.inkbox.queue).toEqual({ status: 'up', waiting: 2, failed: 1 });

    indicator.registerQueueProbe(async () => ({ waiting: 0, failed: 9 }));
    res = await request(up.getHttpServer()).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.error.inkbox.message).toMatch(/9 failed jobs, more than 5/);

    indicator.registerQueueProbe(() => new Promise(() => undefined));
    res = await request(up.getHttpServer()).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.error.inkbox).toMatchObject({
      queue: { status: 'down' },
      message: expect.stringMatching(/queue: no answer within 500 ms/),
    });
  });
});

describeWithRedis('InkboxHealthIndicator on the Redis store', (url) => {
  it('is up against a running Redis, down against a port where none listens', async () => {
    const live = await createEnhancedApp({
      adapter: 'express',
      ...health,
      inkbox: { idempotency: { store: 'redis', redis: { url } } },
    });
    const dead = await createEnhancedApp({
      adapter: 'express',
      ...health,
      inkbox: { idempotency: { store: 'redis', redis: { url: 'redis://127.0.0.1:1', commandTimeoutMs: 300 } } },
    });
    try {
      expect((await request(live.getHttpServer()).get('/health')).status).toBe(200);
      const res = await request(dead.getHttpServer()).get('/health');
      expect(res.status).toBe(503);
      expect(res.body.error.inkbox.store).toBe('down');
    } finally {
      await live.close();
      await dead.close();
    }
  });
});
