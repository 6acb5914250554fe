import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  InkboxConfigurationError,
  InkboxModule,
  OnInkboxIncomingCall,
  PhoneIncomingCallEvent,
  type InkboxIncomingCallContext,
  type InkboxIncomingCallDecision,
  type InkboxModuleExtras,
  type InkboxModuleOptions,
} from '../../lib';
import { createInkboxEvent, deliverInkboxEvent } from '../../lib/testing';
import { CallLog, EverythingHandler, MailHandlers } from '../support/recording-handlers';
import { FamilyHandlers } from '../support/family-handlers';
import { CapturingLogger } from '../support/log-capture';
import { SIGNING_KEY, sendSigned } from '../support/http';

const PATH = '/inkbox/incoming-call';
const FIXTURES = join(__dirname, '../fixtures/inkbox-fixtures');
const fixture = (dir: string) => readFileSync(join(FIXTURES, dir, 'phone_incoming_call.json'), 'utf8');

/** What the deciding method does for the next calls; the test sets it. */
@Injectable()
class Switchboard {
  decide: (call: PhoneIncomingCallEvent) => unknown = () => ({
    action: 'answer',
    client_websocket_url: 'wss://agent.example.com/calls',
  });
  readonly seen: Array<{ call: PhoneIncomingCallEvent; context: InkboxIncomingCallContext }> = [];
}

@Injectable()
class CallDecider {
  constructor(private readonly board: Switchboard) {}

  @OnInkboxIncomingCall()
  decide(call: PhoneIncomingCallEvent, context: InkboxIncomingCallContext): Promise<InkboxIncomingCallDecision> {
    this.board.seen.push({ call, context });
    return this.board.decide(call) as Promise<InkboxIncomingCallDecision>;
  }
}

@Injectable()
class SecondDecider {
  @OnInkboxIncomingCall()
  decide(): InkboxIncomingCallDecision {
    return { action: 'reject' };
  }
}

interface Setup {
  deciders?: Array<new (...args: never[]) => unknown>;
  inkbox?: Partial<InkboxModuleOptions> & InkboxModuleExtras;
}

function appModule({ deciders = [CallDecider], inkbox = {} }: Setup = {}) {
  @Module({
    imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY, ...inkbox })],
    providers: [Switchboard, CallLog, MailHandlers, FamilyHandlers, EverythingHandler, ...deciders],
  })
  class AppModule {}
  return AppModule;
}

async function start(
  adapter: 'Express' | 'Fastify',
  setup: Setup = {},
  logger: CapturingLogger | false = false,
): Promise<INestApplication> {
  if (adapter === 'Express') {
    const app = await NestFactory.create(appModule(setup), { logger, abortOnError: false });
    await app.init();
    return app;
  }
  const app = await NestFactory.create<NestFastifyApplication>(appModule(setup), new FastifyAdapter(), {
    logger,
    abortOnError: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe.each(['Express', 'Fastify'] as const)('incoming-call webhook on %s', (adapter) => {
  let app: INestApplication;
  let board: Switchboard;
  let log: CallLog;
  let logger: CapturingLogger;

  beforeAll(async () => {
    logger = new CapturingLogger();
    app = await start(adapter, { inkbox: { incomingCall: { timeoutMs: 300 } } }, logger);
    board = app.get(Switchboard);
    log = app.get(CallLog);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    board.seen.length = 0;
    board.decide = () => ({ action: 'answer', client_websocket_url: 'wss://agent.example.com/calls' });
    log.reset();
    logger.lines.length = 0;
  });

  it.each(['current', '2026-05-17'])(
    "Inkbox's %s fixture reaches the deciding method as a PhoneIncomingCallEvent, whose answer is the 200 body",
    async (dir) => {
      const bytes = fixture(dir);
      const res = await sendSigned(app, PATH, bytes);
      expect([res.status, res.body]).toEqual([
        200,
        { action: 'answer', client_websocket_url: 'wss://agent.example.com/calls' },
      ]);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(board.seen).toHaveLength(1);
      const { call, context } = board.seen[0]!;
      expect(call).toBeInstanceOf(PhoneIncomingCallEvent);
      expect(JSON.parse(JSON.stringify(call))).toEqual(JSON.parse(bytes));
      expect(call.rate_limit?.minutes_remaining).toBe(287.5);
      expect(context.requestId).toEqual(expect.any(String));
      // a synchronous control request: never an event for '*' or typed handlers
      expect(log.calls).toHaveLength(0);
    },
  );

  it('answers a reject, and an answer without a URL, as decided (sync or async)', async () => {
    board.decide = () => ({ action: 'reject' });
    expect((await sendSigned(app, PATH, createInkboxEvent('phone.incoming_call'))).body).toEqual({ action: 'reject' });
    board.decide = async () => ({ action: 'answer' });
    expect((await sendSigned(app, PATH, createInkboxEvent('phone.incoming_call'))).body).toEqual({ action: 'answer' });
    // a URL beside a reject means nothing to Inkbox: it is not sent
    board.decide = () => ({ action: 'reject', client_websocket_url: 'wss://x.example.com' });
    expect((await sendSigned(app, PATH, createInkboxEvent('phone.incoming_call'))).body).toEqual({ action: 'reject' });
  });

  it('rejects, with 200 and a logged reason, when the method throws', async () => {
    board.decide = () => {
      throw new Error('calendar unreachable');
    };
    const call = createInkboxEvent('phone.incoming_call', { remote_phone_number: '+15555550123' });
    const res = await sendSigned(app, PATH, call);
    expect([res.status, res.body]).toEqual([200, { action: 'reject' }]);
    expect(logger.text()).toMatch(
      new RegExp(`Rejected call ${call.id} \\(request [^)]+\\): CallDecider\\.decide threw: calendar unreachable`),
    );
    expect(logger.text()).not.toContain('+15555550123');
  });

  it.each([
    ['an unknown action', { action: 'maybe' }, /action is "maybe"/],
    ['nothing', undefined, /returned undefined/],
    ['null', null, /returned null/],
    ['a string', 'answer', /returned string/],
    ['a URL that is not a string', { action: 'answer', client_websocket_url: 42 }, /client_websocket_url/],
  ])('rejects an invalid decision (%s) and logs why', async (_name, decision, why) => {
    board.decide = () => decision;
    const res = await sendSigned(app, PATH, createInkboxEvent('phone.incoming_call'));
    expect([res.status, res.body]).toEqual([200, { action: 'reject' }]);
    expect(logger.text()).toMatch(why);
  });

  it('rejects a method slower than incomingCall.timeoutMs', async () => {
    let release: () => void = () => undefined;
    board.decide = () => new Promise((resolve) => (release = () => resolve({ action: 'answer' })));
    const res = await sendSigned(app, PATH, createInkboxEvent('phone.incoming_call'));
    release();
    expect([res.status, res.body]).toEqual([200, { action: 'reject' }]);
    expect(logger.text()).toMatch(/did not decide within incomingCall\.timeoutMs \(300 ms\)/);
  });

  it('refuses a forged call with 401 before the method runs', async () => {
    const res = await sendSigned(app, PATH, createInkboxEvent('phone.incoming_call'), { key: 'whsec_someone_else' });
    expect(res.status).toBe(401);
    expect(board.seen).toHaveLength(0);
  });

  it('refuses an invalid call with 400 naming the field', async () => {
    const body = createInkboxEvent('phone.incoming_call') as unknown as Record<string, unknown>;
    delete body.remote_phone_number;
    body.use_inkbox_tts = 'yes';
    const res = await sendSigned(app, PATH, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^remote_phone_number /),
        expect.stringMatching(/^use_inkbox_tts /),
      ]),
    );
    expect(board.seen).toHaveLength(0);
  });

  it('asks again for a repeated call (no deduplication: Inkbox does not retry it)', async () => {
    const body = JSON.stringify(createInkboxEvent('phone.incoming_call'));
    await sendSigned(app, PATH, body);
    await sendSigned(app, PATH, body);
    expect(board.seen).toHaveLength(2);
  });

  it('deliverInkboxEvent sends phone.incoming_call to the incoming-call route and returns the decision', async () => {
    const res = await deliverInkboxEvent(
      app,
      'phone.incoming_call',
      { local_phone_number: '+15555550100' },
      { signingKey: SIGNING_KEY },
    );
    expect([res.status, res.body]).toEqual([
      200,
      { action: 'answer', client_websocket_url: 'wss://agent.example.com/calls' },
    ]);
    expect(board.seen[0]!.call.local_phone_number).toBe('+15555550100');
  });

  it('keeps the event route as it was: an incoming call posted there is refused with 400', async () => {
    const res = await sendSigned(app, '/inkbox/webhooks', fixture('current'));
    expect(res.status).toBe(400);
    expect(board.seen).toHaveLength(0);
  });
});

describe('incoming-call webhook: setup', () => {
  it('without a deciding method, warns at startup and rejects every call', async () => {
    const logger = new CapturingLogger();
    const app = await start('Express', { deciders: [] }, logger);
    try {
      expect(logger.text()).toMatch(/No @OnInkboxIncomingCall\(\) method/);
      const res = await sendSigned(app, PATH, createInkboxEvent('phone.incoming_call'));
      expect([res.status, res.body]).toEqual([200, { action: 'reject' }]);
    } finally {
      await app.close();
    }
  });

  it('refuses to start with two deciding methods, naming both', async () => {
    const attempt = start('Express', { deciders: [CallDecider, SecondDecider] });
    await expect(attempt).rejects.toThrow(InkboxConfigurationError);
    await expect(attempt).rejects.toThrow(/CallDecider\.decide and SecondDecider\.decide/);
  });

  it('incomingCallPath moves the route; the global prefix applies', async () => {
    const app = await NestFactory.create(appModule({ inkbox: { incomingCallPath: '/voice/inbound/' } }), {
      logger: false,
    });
    app.setGlobalPrefix('api');
    await app.init();
    try {
      const res = await sendSigned(app, '/api/voice/inbound', createInkboxEvent('phone.incoming_call'));
      expect([res.status, res.body]).toEqual([
        200,
        { action: 'answer', client_websocket_url: 'wss://agent.example.com/calls' },
      ]);
      expect(
        (await sendSigned(app, '/api/inkbox/incoming-call', createInkboxEvent('phone.incoming_call'))).status,
      ).toBe(404);
      // the app's own routes keep their parsing
      expect((await request(app.getHttpServer()).post('/api/voice/other').send({ a: 1 })).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('forRootAsync takes incomingCallPath beside the factory, and refuses it from inside', async () => {
    @Module({
      imports: [
        InkboxModule.forRootAsync({
          incomingCallPath: 'calls/decide',
          useFactory: () => ({ signingKey: SIGNING_KEY, incomingCall: { timeoutMs: 1000 } }),
        }),
      ],
      providers: [Switchboard, CallDecider],
    })
    class AsyncModule {}
    const app = await NestFactory.create(AsyncModule, { logger: false });
    await app.init();
    try {
      const res = await sendSigned(app, '/calls/decide', createInkboxEvent('phone.incoming_call'));
      expect([res.status, res.body]).toEqual([
        200,
        { action: 'answer', client_websocket_url: 'wss://agent.example.com/calls' },
      ]);
    } finally {
      await app.close();
    }
    @Module({
      imports: [
        InkboxModule.forRootAsync({
          useFactory: () => ({ signingKey: SIGNING_KEY, incomingCallPath: 'x' }) as InkboxModuleOptions,
        }),
      ],
    })
    class Misplaced {}
    await expect(NestFactory.create(Misplaced, { logger: false, abortOnError: false })).rejects.toThrow(
      /incomingCallPath .* beside|next to useFactory/,
    );
  });

  it('refuses incomingCall.timeoutMs that is not a positive whole number', async () => {
    await expect(start('Express', { inkbox: { incomingCall: { timeoutMs: 0 } } })).rejects.toThrow(
      /incomingCall\.timeoutMs/,
    );
  });
});
