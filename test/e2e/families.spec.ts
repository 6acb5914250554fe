import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  INKBOX_EVENT_FAMILIES,
  INKBOX_EVENT_TYPES,
  InkboxEvent,
  InkboxModule,
  OnInkboxEvent,
  type InkboxEventFor,
  type InkboxEventType,
} from '../../lib';
import { createInkboxEvent } from '../../lib/testing';
import { CallLog, EverythingHandler } from '../support/recording-handlers';
import { FamilyHandlers } from '../support/family-handlers';
import { CLASS_OF, TYPED_HANDLERS } from '../support/event-classes';
import { SIGNING_KEY, sendSigned } from '../support/http';

const PATH = '/inkbox/webhooks';

/** A mail family handler and a handler listening to a type and, again, to its family (runs once). */
@Injectable()
class PatternHandlers {
  constructor(private readonly log: CallLog) {}

  @OnInkboxEvent('message.*')
  onMail(event: InkboxEventFor<'message.*'>) {
    this.log.record('message.*', event, { requestId: '', eventKey: '', params: {} });
  }

  @OnInkboxEvent(['call.ended', 'call.*'])
  @OnInkboxEvent('call.*')
  onCallTwice(event: InkboxEventFor<'call.*'>) {
    this.log.record('call twice', event, { requestId: '', eventKey: '', params: {} });
  }
}

@Module({
  imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })],
  providers: [CallLog, FamilyHandlers, PatternHandlers, EverythingHandler],
})
class FamiliesModule {}

async function start(adapter: 'Express' | 'Fastify'): Promise<INestApplication> {
  if (adapter === 'Express') {
    const app = await NestFactory.create(FamiliesModule, { logger: false });
    await app.init();
    return app;
  }
  const app = await NestFactory.create<NestFastifyApplication>(FamiliesModule, new FastifyAdapter(), { logger: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** The handlers of this app that run for `type` (besides '*'). */
function expectedHandlers(type: InkboxEventType): string[] {
  if (type.startsWith('message.')) return ['message.*'];
  if (type === 'call.ended') return [...TYPED_HANDLERS[type], 'call twice'];
  return TYPED_HANDLERS[type];
}

/** One field per family whose absence or wrong type must be named in the 400. */
const BROKEN: Array<[InkboxEventType, string[], unknown, RegExp]> = [
  ['message.received', ['data', 'message', 'from_address'], 42, /^data\.message\.from_address must be a string/],
  [
    'text.received',
    ['data', 'text_message', 'local_phone_number'],
    undefined,
    /^data\.text_message\.local_phone_number /,
  ],
  [
    'text.delivered',
    ['data', 'text_message', 'recipients'],
    [{ recipient_phone_number: 5 }],
    /^data\.text_message\.recipients\.0\.recipient_phone_number /,
  ],
  ['text.sent', ['data', 'text_message', 'is_read'], 'no', /^data\.text_message\.is_read must be a boolean/],
  ['imessage.received', ['data', 'message', 'service'], undefined, /^data\.message\.service /],
  ['imessage.reaction_received', ['data', 'reaction', 'part_index'], 'first', /^data\.reaction\.part_index /],
  ['call.ended', ['data', 'call'], undefined, /^data\.call /],
  ['call.ended', ['data', 'transcript', 'entries'], 'none', /^data\.transcript\.entries /],
  ['call.ended', ['data', 'transcript_url'], null, /^data\.transcript_url /],
  ['a2a.task.created', ['data', 'caller', 'identity_id'], undefined, /^data\.caller\.identity_id /],
  ['a2a.task.message', ['data', 'parts'], ['text'], /^data\.parts\b.*must be an object/],
  ['a2a.sent_task.updated', ['data', 'state'], 3, /^data\.state must be a string/],
];

function broken(type: InkboxEventType, path: string[], value: unknown): Record<string, unknown> {
  const payload = JSON.parse(JSON.stringify(createInkboxEvent(type))) as Record<string, unknown>;
  let node = payload;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[path[path.length - 1]!];
  else node[path[path.length - 1]!] = value;
  return payload;
}

describe.each(['Express', 'Fastify'] as const)('every event family on %s', (adapter) => {
  let app: INestApplication;
  let log: CallLog;
  beforeAll(async () => {
    app = await start(adapter);
    log = app.get(CallLog);
  });
  afterAll(() => app.close());
  beforeEach(() => log.reset());

  it.each(INKBOX_EVENT_TYPES)('%s reaches its typed and family handlers as its class', async (type) => {
    const payload = createInkboxEvent(type);
    const res = await sendSigned(app, PATH, payload);
    expect([res.status, res.body]).toEqual([200, { outcome: 'processed' }]);
    expect(log.names()).toEqual(['any', ...expectedHandlers(type)].sort());
    for (const call of log.calls) {
      expect(call.className).toBe(CLASS_OF[type]);
      expect(call.event).toBeInstanceOf(InkboxEvent);
      expect(JSON.parse(JSON.stringify(call.event))).toEqual(payload);
    }
  });

  it('builds the sub-objects as their classes', async () => {
    await sendSigned(app, PATH, createInkboxEvent('call.ended'));
    await sendSigned(app, PATH, createInkboxEvent('imessage.reaction_received'));
    await sendSigned(app, PATH, createInkboxEvent('text.delivered'));
    await sendSigned(app, PATH, createInkboxEvent('a2a.task.message'));
    const byType = (type: string) =>
      log.calls.find((c) => c.handler === type)!.event as unknown as { data: Record<string, any> };
    const call = byType('call.ended').data;
    expect([
      call.call.constructor.name,
      call.transcript.constructor.name,
      call.transcript.entries[0].constructor.name,
      call.contacts[0].constructor.name,
    ]).toEqual(['PhoneCall', 'CallTranscript', 'WebhookTranscriptEntry', 'InkboxContact']);
    expect(byType('imessage.reaction_received').data.reaction.constructor.name).toBe('IMessageReaction');
    expect(byType('imessage.reaction_received').data.message).toBeNull();
    expect(byType('text.delivered').data.text_message.recipients[0].constructor.name).toBe('TextMessageRecipient');
    expect(byType('a2a.task.message').data.caller.constructor.name).toBe('A2ACaller');
  });

  it('keeps enum values it does not know and fields Inkbox adds later', async () => {
    const payload = createInkboxEvent('text.received', {
      data: { text_message: { type: 'rcs', origin: 'new_origin', brand_new_field: { x: 1 } }, brand_new_list: [1] },
    });
    const res = await sendSigned(app, PATH, payload);
    expect(res.status).toBe(200);
    expect(JSON.parse(JSON.stringify(log.calls[0]!.event))).toEqual(payload);
  });

  it.each(BROKEN)('a broken %s is refused with 400 naming the field (%j)', async (type, path, value, message) => {
    const res = await sendSigned(app, PATH, broken(type, path, value));
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
    expect(log.calls).toHaveLength(0);
  });
});

describe('family patterns', () => {
  it('cover exactly the event types of their family, every type in one family', () => {
    const all = Object.values(INKBOX_EVENT_FAMILIES).flat();
    expect([...all].sort()).toEqual([...INKBOX_EVENT_TYPES].sort());
    expect(INKBOX_EVENT_FAMILIES['call.*']).toEqual(['call.ended']);
    expect(INKBOX_EVENT_FAMILIES['a2a.*']).toEqual([
      'a2a.task.created',
      'a2a.task.message',
      'a2a.task.canceled',
      'a2a.sent_task.updated',
    ]);
  });
});
