import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { createInkboxEvent } from '../delivery/create-inkbox-event.js';
import { PhoneIncomingCallEvent } from './dto/phone-incoming-call-event.dto.js';
import { INKBOX_EVENT_CLASSES, INKBOX_EVENT_TYPES, isKnownInkboxEventType } from './inkbox-event-types.js';
import { buildInstance } from './inkbox-event.transformer.js';
import { passesDecorators } from './inkbox-event.validator.js';
import { parseInkboxEvent, parseInkboxPayloadAs } from './inkbox-event.parser.js';

const ROOT = join(__dirname, '../../test');
const read = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      name: `${dir.slice(ROOT.length + 1)}/${f}`,
      json: JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>,
    }));
const payloads = [
  ...['current', '2026-05-17'].flatMap((d) => read(join(ROOT, 'fixtures/inkbox-fixtures', d))),
  ...read(join(ROOT, 'e2e/family-fixtures')),
  ...INKBOX_EVENT_TYPES.map((type) => ({
    name: `createInkboxEvent(${type})`,
    json: createInkboxEvent(type),
  })),
  {
    name: 'createInkboxEvent(phone.incoming_call)',
    json: createInkboxEvent('phone.incoming_call') as unknown as Record<string, unknown>,
  },
];

/** The class a payload is validated as: its event type's, or the incoming call's (no envelope). */
function classOf(json: Record<string, unknown>): new () => object {
  const type = json.event_type;
  if (typeof type === 'string' && isKnownInkboxEventType(type)) return INKBOX_EVENT_CLASSES[type];
  return PhoneIncomingCallEvent;
}

describe('the event classes of every family', () => {
  it.each(payloads.map((p) => [p.name, p] as const))(
    '%s is valid, through the compiled fast path, for class-validator too',
    (_name, { json }) => {
      const cls = classOf(json);
      // the fast path builds and accepts it (it does not fall back to class-validator)
      const fast = buildInstance(cls, json);
      expect(fast).toBeInstanceOf(cls);
      expect(passesDecorators(fast!)).toBe(true);
      // class-validator itself agrees, on the instance class-transformer builds
      expect(validateSync(plainToInstance(cls, json), { forbidUnknownValues: false })).toEqual([]);
      const parsed =
        cls === PhoneIncomingCallEvent
          ? parseInkboxPayloadAs(PhoneIncomingCallEvent, JSON.stringify(json))
          : parseInkboxEvent(JSON.stringify(json));
      expect(parsed).toBeInstanceOf(cls);
      expect(JSON.parse(JSON.stringify(parsed))).toEqual(json);
    },
  );

  it('covers every event type with at least one payload besides the generated ones', () => {
    const covered = new Set(
      payloads.filter((p) => !p.name.startsWith('createInkboxEvent')).map((p) => p.json.event_type),
    );
    expect(INKBOX_EVENT_TYPES.filter((type) => !covered.has(type))).toEqual([]);
  });

  it('names the failing field of an invalid payload the same way on both paths', () => {
    const call = createInkboxEvent('phone.incoming_call') as unknown as Record<string, unknown>;
    call.rate_limit = { calls_used: 'many' };
    expect(() => parseInkboxPayloadAs(PhoneIncomingCallEvent, JSON.stringify(call))).toThrow(
      /rate_limit\.calls_used must be a number/,
    );
    const text = createInkboxEvent('text.received') as unknown as { data: { text_message: Record<string, unknown> } };
    text.data.text_message.media = [{ content_type: 'image/png', url: 'https://example.com/a.png' }];
    expect(() => parseInkboxEvent(JSON.stringify(text))).toThrow(/data\.text_message\.media\.0\.size must be a number/);
  });
});
