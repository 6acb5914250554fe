import type { INestApplication } from '@nestjs/common';
import { createInkboxEvent } from '../../lib/testing';
import { sendSigned } from '../support/http';
import { ADAPTERS, EnhancedHandlers, Recorder, createEnhancedApp } from './support/enhanced-app';

const PATH = '/inkbox/webhooks';

function received(subject: string) {
  return createInkboxEvent('message.received', { data: { message: { subject } } });
}

describe.each(ADAPTERS)('handlers inside Nest enhancers (%s)', (adapter) => {
  let app: INestApplication;
  let rec: Recorder;

  beforeAll(async () => {
    app = await createEnhancedApp({ adapter, inkbox: { idempotency: false } });
    rec = app.get(Recorder);
  });
  afterAll(() => app.close());
  beforeEach(() => rec.reset());

  it("wraps every handler in the global and class interceptors, with an 'inkbox' context of [event, delivery]", async () => {
    const payload = received('hello');
    const res = await sendSigned(app, PATH, payload);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(rec.calls.sort()).toEqual(['guarded', 'onReceived']);

    const runs = rec.seen.map((s) => `${s.by}:${s.className}.${s.handlerName}`).sort();
    expect(runs).toEqual([
      'class:EnhancedHandlers.guarded',
      'class:EnhancedHandlers.onReceived',
      'global:EnhancedHandlers.guarded',
      'global:EnhancedHandlers.onReceived',
    ]);
    for (const seen of rec.seen) {
      expect(seen.type).toBe('inkbox');
      expect(seen.args).toHaveLength(2);
      const [event, delivery] = seen.args as [
        { id: string; constructor: { name: string } },
        { requestId: string; eventKey: string },
      ];
      expect(event.constructor.name).toBe('MessageReceivedEvent');
      expect(event.id).toBe(payload.id);
      expect(delivery.eventKey).toBe(payload.id);
      expect(delivery.requestId).toMatch(/\S/);
      expect(seen.inkbox).toEqual({ event, delivery });
    }
    // getHandler() is the handler method itself, so Reflector metadata on it can be read
    const onReceived = rec.seen.find((s) => s.handlerName === 'onReceived')!;
    expect(onReceived.handler).toBe(EnhancedHandlers.prototype.onReceived);
  });

  it('a method guard returning false skips only that handler; the delivery is still processed', async () => {
    const res = await sendSigned(app, PATH, received('deny'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(rec.calls).toEqual(['onReceived']);
  });

  it("when guards skip every handler the delivery is 'ignored'", async () => {
    const res = await sendSigned(
      app,
      PATH,
      createInkboxEvent('message.bounced', { data: { message: { subject: 'deny' } } }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'ignored' });
    expect(rec.calls).toEqual([]);

    const runs = await sendSigned(
      app,
      PATH,
      createInkboxEvent('message.bounced', { data: { message: { subject: 'fine' } } }),
    );
    expect(runs.body).toEqual({ outcome: 'processed' });
    expect(rec.calls).toEqual(['onlyBounce']);
  });

  it('a global guard (APP_GUARD) applies too, and still lets the webhook route itself through', async () => {
    const res = await sendSigned(app, PATH, received('global-deny'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'ignored' });
    expect(rec.calls).toEqual([]);
  });

  it('a guard that throws fails the handler (500), unlike one returning false', async () => {
    const res = await sendSigned(app, PATH, received('guard-throws'));
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/EnhancedHandlers\.guarded failed/);
    expect(rec.calls).toEqual(['onReceived']);
  });

  it('a handler failure passes through the interceptors and is never swallowed by a catch-all exception filter', async () => {
    const res = await sendSigned(app, PATH, received('boom'));
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/EnhancedHandlers\.onReceived failed/);
    expect(rec.calls.sort()).toEqual(['guarded', 'onReceived']);
    expect(rec.interceptedErrors.sort()).toEqual(['class: handler exploded', 'global: handler exploded']);
    // the filter saw only the HTTP-level 500, never the handler run
    expect(rec.filtered).toEqual(['http']);
  });
});

describe.each(ADAPTERS)('guards and exactly-once (%s)', (adapter) => {
  let app: INestApplication;
  let rec: Recorder;

  beforeAll(async () => {
    app = await createEnhancedApp({ adapter, withFilter: false });
    rec = app.get(Recorder);
  });
  afterAll(() => app.close());

  it('a handler skipped by its guard counts as done: a redelivery is a duplicate and runs nothing', async () => {
    const payload = received('deny');
    const first = await sendSigned(app, PATH, payload);
    expect(first.body).toEqual({ outcome: 'processed' });
    expect(rec.calls).toEqual(['onReceived']);
    rec.reset();
    const again = await sendSigned(app, PATH, payload);
    expect(again.body).toEqual({ outcome: 'duplicate' });
    expect(rec.calls).toEqual([]);
  });
});
