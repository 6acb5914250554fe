import {
  Controller,
  HttpCode,
  Injectable,
  type INestApplication,
  Module,
  Post,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import {
  INKBOX_HANDLE_SPAN,
  INKBOX_RECEIVE_SPAN,
  InkboxEventInterceptor,
  InkboxModule,
  InkboxSignatureGuard,
  InkboxWebhookEvent,
  OnInkboxEvent,
  type InkboxEvent,
  injectInkboxTraceContext,
  runWithInkboxTraceContext,
  type InkboxTraceCarrier,
  type MessageSentEvent,
} from '../../lib';
import { createInkboxEvent, signInkboxWebhook } from '../../lib/testing';
import { InkboxHandlerRunner } from '../../lib/handlers/inkbox-handler.runner';
import { InkboxTelemetry } from '../../lib/telemetry/inkbox-telemetry.service';
import { SIGNING_KEY, sendSigned } from '../support/http';
import { ADAPTERS, createEnhancedApp } from './support/enhanced-app';
import { instrumentHttpServer, parentOf, registerTestSdk } from './support/otel-test-sdk';

const sdk = registerTestSdk();
const PATH = '/inkbox/webhooks';

/** Stands in for queue delivery's producer: keeps the trace context of the delivery, as a job would. */
@Injectable()
class CarrierKeeper {
  carriers: InkboxTraceCarrier[] = [];

  @OnInkboxEvent('message.sent')
  enqueue(_event: MessageSentEvent) {
    this.carriers.push(injectInkboxTraceContext());
  }
}

const byName = (name: string) => (s: ReadableSpan) => s.name === name;
const attr = (span: ReadableSpan, key: string) => span.attributes[key];

describe.each(ADAPTERS)('OpenTelemetry traces and metrics (%s)', (adapter) => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createEnhancedApp({ adapter, inkbox: { idempotency: false }, providers: [CarrierKeeper] });
    instrumentHttpServer(app.getHttpServer());
  });
  afterAll(() => app.close());
  beforeEach(() => sdk.spans.reset());

  /** The finished spans of the trace whose `inkbox.receive` has this request id. */
  async function traceOf(requestIdOrReason: (receive: ReadableSpan) => boolean, minSpans: number) {
    const receive = await sdk.waitForSpans(
      (all) => all.filter(byName(INKBOX_RECEIVE_SPAN)).find(requestIdOrReason),
      'inkbox.receive',
    );
    const traceId = receive.spanContext().traceId;
    const all = await sdk.waitForSpans((list) => {
      const same = list.filter((s) => s.spanContext().traceId === traceId);
      return same.length >= minSpans ? same : undefined;
    }, `${minSpans} spans of the trace`);
    return { receive, all };
  }

  it('one inkbox.receive per delivery, child of the HTTP span, with one inkbox.handle child per handler', async () => {
    const payload = createInkboxEvent('message.received', { data: { message: { subject: 'traced' } } });
    const before = await sdk.metricValue('inkbox.deliveries', { event_type: 'message.received', outcome: 'processed' });
    const res = await sendSigned(app, PATH, payload);
    expect(res.body).toEqual({ outcome: 'processed' });

    const { receive, all } = await traceOf((s) => attr(s, 'inkbox.event_id') === payload.id, 4);
    const http = all.find(byName('HTTP POST'))!;
    expect(http).toBeDefined();
    expect(parentOf(receive)).toBe(http.spanContext().spanId);
    expect(receive.attributes).toMatchObject({
      'inkbox.event_type': 'message.received',
      'inkbox.event_id': payload.id,
      'inkbox.outcome': 'processed',
    });
    expect(typeof attr(receive, 'inkbox.request_id')).toBe('string');
    expect(receive.status.code).not.toBe(SpanStatusCode.ERROR);

    const handles = all.filter(byName(INKBOX_HANDLE_SPAN));
    expect(handles.map((s) => attr(s, 'inkbox.handler')).sort()).toEqual([
      'EnhancedHandlers.guarded',
      'EnhancedHandlers.onReceived',
    ]);
    for (const handle of handles) {
      expect(parentOf(handle)).toBe(receive.spanContext().spanId);
      expect(handle.status.code).not.toBe(SpanStatusCode.ERROR);
    }
    expect(await sdk.metricValue('inkbox.deliveries', { event_type: 'message.received', outcome: 'processed' })).toBe(
      before + 1,
    );
  });

  it('a failing handler: ERROR status and the exception on its inkbox.handle, outcome failed, duration recorded', async () => {
    const payload = createInkboxEvent('message.received', { data: { message: { subject: 'boom' } } });
    const failedBefore = await sdk.metricValue('inkbox.deliveries', {
      event_type: 'message.received',
      outcome: 'failed',
    });
    const durationsBefore = await sdk.metricValue('inkbox.handler.duration', {
      handler: 'EnhancedHandlers.onReceived',
      outcome: 'failed',
    });
    const res = await sendSigned(app, PATH, payload);
    expect(res.status).toBe(500);

    const { receive, all } = await traceOf((s) => attr(s, 'inkbox.event_id') === payload.id, 4);
    expect(receive.attributes['inkbox.outcome']).toBe('failed');
    expect(receive.status.code).toBe(SpanStatusCode.ERROR);
    const failed = all.find(
      (s) => s.name === INKBOX_HANDLE_SPAN && attr(s, 'inkbox.handler') === 'EnhancedHandlers.onReceived',
    )!;
    expect(failed.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'handler exploded' });
    expect(failed.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({
      'exception.message': 'handler exploded',
    });
    const ok = all.find(
      (s) => s.name === INKBOX_HANDLE_SPAN && attr(s, 'inkbox.handler') === 'EnhancedHandlers.guarded',
    )!;
    expect(ok.status.code).not.toBe(SpanStatusCode.ERROR);

    expect(await sdk.metricValue('inkbox.deliveries', { event_type: 'message.received', outcome: 'failed' })).toBe(
      failedBefore + 1,
    );
    expect(
      await sdk.metricValue('inkbox.handler.duration', { handler: 'EnhancedHandlers.onReceived', outcome: 'failed' }),
    ).toBe(durationsBefore + 1);
    expect(await sdk.metricUnit('inkbox.handler.duration')).toBe('ms');
  });

  it('a handler skipped by its guard ends its span with outcome ignored', async () => {
    const payload = createInkboxEvent('message.bounced', { data: { message: { subject: 'deny' } } });
    const res = await sendSigned(app, PATH, payload);
    expect(res.body).toEqual({ outcome: 'ignored' });
    const { receive, all } = await traceOf((s) => attr(s, 'inkbox.event_id') === payload.id, 3);
    expect(receive.attributes['inkbox.outcome']).toBe('ignored');
    const handle = all.find(byName(INKBOX_HANDLE_SPAN))!;
    expect(handle.attributes).toMatchObject({
      'inkbox.handler': 'EnhancedHandlers.onlyBounce',
      'inkbox.outcome': 'ignored',
    });
  });

  it.each([
    ['signature_mismatch', 401, { key: 'whsec_not_the_key' }],
    ['missing_signature', 400, { headers: { 'X-Inkbox-Signature': undefined } }],
    ['unsupported_media_type', 415, { headers: { 'content-type': 'text/plain' } }],
  ] as const)(
    'a rejected delivery (%s): inkbox.receive with ERROR and inkbox.rejected_reason, inkbox.rejections counted',
    async (reason, status, opts) => {
      const before = await sdk.metricValue('inkbox.rejections', { reason });
      const res = await sendSigned(app, PATH, createInkboxEvent('message.received'), opts);
      expect(res.status).toBe(status);
      const { receive, all } = await traceOf((s) => attr(s, 'inkbox.rejected_reason') !== undefined, 2);
      expect(receive.attributes['inkbox.rejected_reason']).toBe(reason);
      expect(receive.status.code).toBe(SpanStatusCode.ERROR);
      expect(parentOf(receive)).toBe(all.find(byName('HTTP POST'))!.spanContext().spanId);
      expect(all.filter(byName(INKBOX_HANDLE_SPAN))).toHaveLength(0);
      expect(await sdk.metricValue('inkbox.rejections', { reason })).toBe(before + 1);
    },
  );

  it('an invalid payload with a valid signature is rejected as invalid_payload', async () => {
    const before = await sdk.metricValue('inkbox.rejections', { reason: 'invalid_payload' });
    const signed = signInkboxWebhook(
      { event_type: 'message.received', data: 'not an object' },
      { signingKey: 'whsec_test_receiver_key' },
    );
    const res = await request(app.getHttpServer()).post(PATH).set(signed.headers).send(signed.body);
    expect(res.status).toBe(400);
    const { receive } = await traceOf((s) => attr(s, 'inkbox.rejected_reason') !== undefined, 2);
    expect(receive.attributes['inkbox.rejected_reason']).toBe('invalid_payload');
    expect(await sdk.metricValue('inkbox.rejections', { reason: 'invalid_payload' })).toBe(before + 1);
  });

  it('observeQueue reports queue depth as the gauge inkbox.queue.jobs {state}', async () => {
    app.get(InkboxTelemetry).observeQueue(async () => ({ [`waiting-${adapter}`]: 3, [`failed-${adapter}`]: 1 }));
    expect(await sdk.metricValue('inkbox.queue.jobs', { state: `waiting-${adapter}` })).toBe(3);
    expect(await sdk.metricValue('inkbox.queue.jobs', { state: `failed-${adapter}` })).toBe(1);
  });

  it('trace context carried in a plain object lets a later (queue worker) handler run join the delivery trace', async () => {
    const keeper = app.get(CarrierKeeper);
    keeper.carriers = [];
    const payload = createInkboxEvent('message.sent');
    await sendSigned(app, PATH, payload);
    const { receive } = await traceOf((s) => attr(s, 'inkbox.event_id') === payload.id, 3);
    const carrier = JSON.parse(JSON.stringify(keeper.carriers[0])) as InkboxTraceCarrier; // as stored in a job
    expect(carrier.traceparent).toContain(receive.spanContext().traceId);

    // later, elsewhere: the worker runs a handler under the carried context, outside any request
    sdk.spans.reset();
    const runner = app.get(InkboxHandlerRunner);
    const handler = {
      id: 'Worker.process',
      types: ['message.sent'],
      invoke: async () => trace.getTracer('app').startSpan('inside the handler').end(),
    };
    const run = await runWithInkboxTraceContext(carrier, () =>
      runner.run(handler, { event_type: 'message.sent' } as never, {
        requestId: 'r',
        eventKey: payload.id,
        params: {},
      }),
    );
    expect(run.outcome).toBe('processed');
    const handle = await sdk.waitForSpans((all) => all.find(byName(INKBOX_HANDLE_SPAN)), 'worker handle span');
    expect(handle.spanContext().traceId).toBe(receive.spanContext().traceId);
    const carried = carrier.traceparent!.split('-')[2];
    expect(parentOf(handle)).toBe(carried);
    const inner = sdk.spans.getFinishedSpans().find(byName('inside the handler'))!;
    expect(parentOf(inner)).toBe(handle.spanContext().spanId);
  });
});

describe('OpenTelemetry on a route of your own behind InkboxSignatureGuard', () => {
  @Controller('own')
  class OwnController {
    @Post('inkbox')
    @HttpCode(200)
    @UseGuards(InkboxSignatureGuard)
    @UseInterceptors(InkboxEventInterceptor)
    receive(@InkboxWebhookEvent() event: InkboxEvent) {
      return { id: event.id };
    }
  }
  @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })], controllers: [OwnController] })
  class OwnModule {}

  let app: INestApplication;
  beforeAll(async () => {
    app = await NestFactory.create(OwnModule, { rawBody: true, logger: false });
    await app.init();
  });
  afterAll(() => app.close());
  beforeEach(() => sdk.spans.reset());

  it('an accepted delivery ends its inkbox.receive without an error or a rejection; a forged one is rejected', async () => {
    const before = await sdk.metricValue('inkbox.rejections', { reason: 'signature_mismatch' });
    const event = createInkboxEvent('message.received');
    const res = await sendSigned(app, '/own/inkbox', event);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: event.id });
    const accepted = await sdk.waitForSpans((all) => all.find(byName(INKBOX_RECEIVE_SPAN)), 'inkbox.receive');
    expect(accepted.status.code).not.toBe(SpanStatusCode.ERROR);
    expect(attr(accepted, 'inkbox.outcome')).toBeUndefined();
    expect(attr(accepted, 'inkbox.rejected_reason')).toBeUndefined();

    sdk.spans.reset();
    expect((await sendSigned(app, '/own/inkbox', event, { key: 'whsec_not_the_key' })).status).toBe(401);
    const forged = await sdk.waitForSpans((all) => all.find(byName(INKBOX_RECEIVE_SPAN)), 'inkbox.receive');
    expect(attr(forged, 'inkbox.rejected_reason')).toBe('signature_mismatch');
    expect(forged.status.code).toBe(SpanStatusCode.ERROR);
    expect(await sdk.metricValue('inkbox.rejections', { reason: 'signature_mismatch' })).toBe(before + 1);
  });
});
