import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { createInkboxEvent } from '../delivery/create-inkbox-event.js';
import { INKBOX_EVENT_TYPES } from './inkbox-event-types.js';
import { InkboxPayloadError, parseInkboxEvent, parseInkboxEventWithClassValidator } from './inkbox-event.parser.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Outcome = { ok: true; event: unknown } | { ok: false; problems: string[] };

function outcome(parse: (raw: string) => unknown, raw: string): Outcome {
  try {
    return { ok: true, event: parse(raw) };
  } catch (error) {
    if (error instanceof InkboxPayloadError) return { ok: false, problems: error.problems };
    throw error;
  }
}

/** Parses with the fast path and with class-transformer + class-validator; both answers must be the same. */
function expectAgreement(payload: unknown, label: string): Outcome {
  const raw = JSON.stringify(payload);
  const fast = outcome(parseInkboxEvent, raw);
  const reference = outcome(parseInkboxEventWithClassValidator, raw);
  // the label makes a failure say which variant broke
  expect({ label, fast }).toStrictEqual({ label, fast: reference });
  return fast;
}

const FIXTURES = join(__dirname, '../../test/fixtures/inkbox-fixtures');
const fixtureFiles = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(FIXTURES, d.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => `${d.name}/${f}`),
  );
const fixtures = fixtureFiles.map((name) => ({
  name,
  json: JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Json,
}));

const bases: Array<{ name: string; json: Json }> = [
  ...INKBOX_EVENT_TYPES.map((type) => ({
    name: `createInkboxEvent(${type})`,
    json: createInkboxEvent(type) as unknown as Json,
  })),
  ...fixtures,
];

/** Every path to a value inside a payload, objects and arrays included (the root excluded). */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const out: Array<Array<string | number>> = [];
  const entries: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, child] of entries) {
    out.push([...prefix, key]);
    out.push(...paths(child, [...prefix, key]));
  }
  return out;
}

const REMOVE = Symbol('remove');
function changed(root: Json, path: Array<string | number>, value: Json | typeof REMOVE): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return copy;
}

const REPLACEMENTS: Json[] = [
  null,
  0,
  1.5,
  -1,
  true,
  false,
  '',
  'text',
  '2026-05-17T10:00:00Z',
  [],
  ['a'],
  [1],
  [null],
  [{}],
  {},
  { k: 'v' },
];

describe('parseInkboxEvent: the compiled fast path agrees with class-transformer + class-validator', () => {
  it.each(bases.map((b) => [b.name, b] as const))('%s as sent', (_name, base) => {
    expectAgreement(base.json, base.name);
  });

  it('accepts every mail fixture and every generated event as valid, typed class instances', () => {
    for (const base of bases.filter((b) => b.name.includes('message_') || b.name.startsWith('createInkboxEvent'))) {
      const result = expectAgreement(base.json, base.name);
      expect({ name: base.name, ok: result.ok }).toEqual({ name: base.name, ok: true });
    }
  });

  it.each(bases.map((b) => [b.name, b] as const))(
    '%s with each field removed, nulled or given another type',
    (_name, base) => {
      let variants = 0;
      for (const path of paths(base.json)) {
        expectAgreement(changed(base.json, path, REMOVE), `${path.join('.')} removed`);
        for (const value of REPLACEMENTS)
          expectAgreement(changed(base.json, path, value), `${path.join('.')} = ${JSON.stringify(value)}`);
        variants += 1 + REPLACEMENTS.length;
      }
      expect(variants).toBeGreaterThan(0);
    },
  );

  it('reports, through class-validator, each missing required field of a mail event by its path', () => {
    const required = ['id', 'mailbox_id', 'from_address', 'to_addresses', 'direction', 'status', 'has_attachments'];
    for (const field of required) {
      const payload = createInkboxEvent('message.received') as unknown as Json;
      const result = expectAgreement(changed(payload, ['data', 'message', field], REMOVE), field);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.some((p) => p.startsWith(`data.message.${field} `))).toBe(true);
    }
    const wrong = expectAgreement(
      changed(createInkboxEvent('message.bounced') as unknown as Json, ['data', 'message', 'from_address'], 42),
      'from_address',
    );
    expect(wrong).toEqual({ ok: false, problems: ['data.message.from_address must be a string'] });
  });

  it('accepts null wherever a field is optional', () => {
    const optional = [
      'thread_id',
      'message_id',
      'cc_addresses',
      'bcc_addresses',
      'subject',
      'snippet',
      'email_address',
      'body',
      'body_state',
      'body_truncated',
      'body_total_chars',
      'body_included_chars',
      'created_at',
    ];
    for (const field of optional) {
      const result = expectAgreement(
        changed(createInkboxEvent('message.received') as unknown as Json, ['data', 'message', field], null),
        field,
      );
      expect({ field, ok: result.ok }).toEqual({ field, ok: true });
    }
    for (const field of ['contacts', 'agent_identities', 'contact', 'context']) {
      const result = expectAgreement(
        changed(createInkboxEvent('message.sent') as unknown as Json, ['data', field], null),
        field,
      );
      expect({ field, ok: result.ok }).toEqual({ field, ok: true });
    }
  });

  it('keeps unknown fields at every level, as sent', () => {
    const payload = createInkboxEvent('message.delivered') as unknown as Record<
      string,
      Record<string, Record<string, Json>>
    >;
    payload.new_top = { a: [1, { b: null }] } as unknown as Record<string, Record<string, Json>>;
    payload.data!.new_data = 'x' as unknown as Record<string, Json>;
    payload.data!.message!.new_message = ['y'];
    (payload.data!.contacts as unknown as Array<Record<string, Json>>)[0]!.new_contact = true;
    const result = expectAgreement(payload, 'extras');
    expect(result.ok).toBe(true);
    if (result.ok) expect(JSON.parse(JSON.stringify(result.event))).toEqual(payload);
  });

  it('treats keys named like Object.prototype members as class-transformer does', () => {
    for (const key of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf']) {
      const payload = createInkboxEvent('message.received') as unknown as Json;
      expectAgreement(changed(payload, ['data', 'message', key], 'x'), `message.${key}`);
      expectAgreement(changed(payload, ['data', 'context'], { [key]: 1 }), `context.${key}`);
    }
  });

  it('agrees on randomly mutated payloads', () => {
    const base = createInkboxEvent('message.received') as unknown as Json;
    const allPaths = paths(base);
    const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...allPaths), fc.option(anyJson, { nil: undefined })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          let payload = base;
          for (const [path, value] of edits) {
            try {
              payload = changed(payload, path, value === undefined ? REMOVE : value);
            } catch {
              // the path no longer exists after an earlier edit
            }
          }
          expectAgreement(payload, JSON.stringify(edits).slice(0, 200));
        },
      ),
      { numRuns: 1500, seed: 42 },
    );
  });

  it('rejects the same structural problems with the same messages', () => {
    expectAgreement({ event_type: 'message.sent', constructor: {} }, 'constructor key');
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const raw = JSON.stringify(createInkboxEvent('message.sent')).replace(
        '"contacts":',
        `"${key}":{"x":1},"contacts":`,
      );
      const fast = outcome(parseInkboxEvent, raw);
      expect(fast).toEqual(outcome(parseInkboxEventWithClassValidator, raw));
      expect(fast).toEqual({ ok: false, problems: [`the key "${key}" is not allowed in an Inkbox event`] });
    }
    // nesting right at the limit and one past it, in typed and untyped places, through objects and arrays
    const accepted: boolean[] = [];
    for (const levels of [61, 62, 63, 64, 65]) {
      let nested: Json = 'leaf';
      for (let i = 0; i < levels; i++) nested = i % 2 ? { n: nested } : [nested];
      accepted.push(
        expectAgreement(
          changed(createInkboxEvent('message.received') as unknown as Json, ['data', 'context'], nested),
          `context depth ${levels}`,
        ).ok,
      );
      accepted.push(
        expectAgreement(
          changed(createInkboxEvent('message.received') as unknown as Json, ['data', 'message', 'extra'], nested),
          `message.extra depth ${levels}`,
        ).ok,
      );
    }
    expect(accepted).toContain(true);
    expect(accepted).toContain(false);
    let deep: Json = {};
    for (let i = 0; i < 70; i++) deep = { d: deep };
    expectAgreement({ event_type: 'message.sent', timestamp: 'x', data: deep }, 'deep');
    for (const raw of ['', '[]', '1', 'null', '{', '{"event_type":']) {
      expect(outcome(parseInkboxEvent, raw)).toEqual(outcome(parseInkboxEventWithClassValidator, raw));
    }
    expect(outcome(parseInkboxEvent, '[]')).toEqual({
      ok: false,
      problems: ['the body must be a JSON object with event_type, timestamp and data'],
    });
  });
});

describe('parseInkboxEvent keeps error answers small', () => {
  const base = () => JSON.parse(JSON.stringify(createInkboxEvent('message.received'))) as Record<string, any>;

  it('lists at most 20 problems and counts the rest', () => {
    const event = base();
    event.data.contacts = Array.from({ length: 500 }, () => ({ bucket: 1, address: 2, id: 3 }));
    const error = (() => {
      try {
        parseInkboxEvent(JSON.stringify(event));
      } catch (e) {
        return e as InkboxPayloadError;
      }
      throw new Error('expected a failure');
    })();
    expect(error.problems).toHaveLength(21);
    expect(error.problems[20]).toMatch(/^… and 1480 more$/);
  });

  it('refuses an invalid event with an array longer than 10 000 items without walking it', () => {
    const event = base();
    event.data.contacts = Array.from({ length: 200_000 }, () => ({}));
    expect(() => parseInkboxEvent(JSON.stringify(event))).toThrow(
      /an array holds 200000 items, more than the 10000 allowed/,
    );
  });
});

describe('parseInkboxEvent reads the bytes as a fatal UTF-8 decoder does', () => {
  const text = JSON.stringify(createInkboxEvent('message.received'));
  const reference = (bytes: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

  it.each([
    ['a Buffer', (b: Buffer) => b],
    [
      'a Uint8Array view inside a larger buffer',
      (b: Buffer) =>
        Uint8Array.from(Buffer.concat([Buffer.from('xx'), b, Buffer.from('yy')])).subarray(2, 2 + b.length),
    ],
  ])('drops a leading byte order mark in %s, as TextDecoder does', (_name, wrap) => {
    const bytes = wrap(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    expect(JSON.parse(reference(bytes))).toEqual(JSON.parse(text));
    expect(JSON.stringify(parseInkboxEvent(bytes))).toBe(
      JSON.stringify(parseInkboxEventWithClassValidator(Buffer.from(text))),
    );
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe2, 0x82]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('refuses %s, as TextDecoder does', (_name, bad) => {
    const bytes = Buffer.concat([Buffer.from(text.slice(0, -1) + ',"x":"'), Buffer.from(bad), Buffer.from('"}')]);
    expect(() => reference(bytes)).toThrow();
    expect(() => parseInkboxEvent(bytes)).toThrow(new InkboxPayloadError(['the body is not valid UTF-8']));
  });

  it('accepts a U+FFFD that the sender wrote, and refuses one beside an invalid byte', () => {
    const written = Buffer.from(text.slice(0, -1) + ',"x":"\uFFFD é"}', 'utf8');
    expect(reference(written)).toContain('\uFFFD');
    expect((parseInkboxEvent(written) as unknown as { x: string }).x).toBe('\uFFFD é');
    const mixed = Buffer.concat([written.subarray(0, -2), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(() => reference(mixed)).toThrow();
    expect(() => parseInkboxEvent(mixed)).toThrow(new InkboxPayloadError(['the body is not valid UTF-8']));
  });
});
