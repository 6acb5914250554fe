/* eslint-disable @typescript-eslint/no-unsafe-function-type -- class-validator's metadata types classes as Function */
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInkboxEvent } from '../delivery/create-inkbox-event.js';
import { InkboxEvent } from './dto/inkbox-event.dto.js';
import { InkboxMailEvent } from './dto/inkbox-mail-event.dto.js';
import {
  INKBOX_EVENT_CLASSES,
  INKBOX_EVENT_TYPES,
  isKnownInkboxEventType,
  type InkboxEventType,
} from './inkbox-event-types.js';
import { InkboxPayloadError, parseInkboxEvent } from './inkbox-event.parser.js';
import { isCompiledByFastPath } from './inkbox-event.validator.js';

// Property test of the validation fast path against the reference, plainToInstance + validate,
// over every class of the event-class table (new families are covered as soon as they are in it).
// A run uses a fresh seed; a failure prints it. Replay: INKBOX_PROPERTY_SEED=<seed> (and
// INKBOX_PROPERTY_PATH=<path> from the failure report to go straight to the shrunk case).

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

const SEED =
  process.env.INKBOX_PROPERTY_SEED !== undefined
    ? Number(process.env.INKBOX_PROPERTY_SEED)
    : Math.floor(Math.random() * 0x7fffffff);
const REPLAY_PATH = process.env.INKBOX_PROPERTY_PATH;
const RUNS = Number(process.env.INKBOX_PROPERTY_RUNS ?? 300);

/** fc.assert with this run's seed; the seed and the replay command are printed on failure. */
async function check(
  property: fc.IAsyncProperty<[unknown]> | fc.IAsyncProperty<[unknown, unknown]>,
  runs = RUNS,
): Promise<void> {
  try {
    await fc.assert(property as fc.IAsyncProperty<[unknown]>, {
      seed: SEED,
      path: REPLAY_PATH,
      numRuns: runs,
      endOnFailure: true,
    });
  } catch (error) {
    console.error(
      `property failed with seed ${SEED}; replay with INKBOX_PROPERTY_SEED=${SEED} npx jest ${relative(process.cwd(), __filename)}`,
    );
    throw error;
  }
}

// ---- the reference ----------------------------------------------------------------------------

function classFor(json: Json): typeof InkboxEvent {
  const type = json !== null && typeof json === 'object' && !Array.isArray(json) ? json.event_type : undefined;
  return typeof type === 'string' && isKnownInkboxEventType(type) ? INKBOX_EVENT_CLASSES[type] : InkboxEvent;
}

/** Each failing field as `path` + class-validator's own message (the words of the 400 answer). */
function flatten(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push(
        message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
      );
    }
    if (error.children?.length) out.push(...flatten(error.children, path));
  }
  return out;
}

/** Field paths of a list of problems, in order (the message after the path dropped). */
function fieldsOf(problems: readonly string[]): string[] {
  return problems.map((p) => p.split(/[ :]/, 1)[0]!);
}

type Verdict = { ok: true; event: object } | { ok: false; problems: string[] };

async function reference(json: Json): Promise<Verdict> {
  const event = plainToInstance(classFor(json), json as object) as object;
  const errors = await validate(event, { forbidUnknownValues: false });
  return errors.length === 0 ? { ok: true, event } : { ok: false, problems: flatten(errors) };
}

function fast(json: Json): Verdict {
  try {
    return { ok: true, event: parseInkboxEvent(JSON.stringify(json)) };
  } catch (error) {
    if (error instanceof InkboxPayloadError) return { ok: false, problems: error.problems };
    throw error;
  }
}

/** The same decision, the same failing fields and messages, and on acceptance the same instance. */
async function expectSameAsReference(json: Json): Promise<Verdict> {
  const ours = fast(json);
  const theirs = await reference(json);
  expect(ours.ok).toBe(theirs.ok);
  if (!ours.ok && !theirs.ok) {
    // an answer lists 20 problems at most, then counts the rest
    const shown =
      theirs.problems.length > 20
        ? [...theirs.problems.slice(0, 20), `… and ${theirs.problems.length - 20} more`]
        : theirs.problems;
    expect(fieldsOf(ours.problems)).toEqual(fieldsOf(shown));
    expect(ours.problems).toEqual(shown);
  }
  if (ours.ok && theirs.ok) {
    expect(ours.event).toStrictEqual(theirs.event);
    expect(ours.event.constructor).toBe(theirs.event.constructor);
  }
  return ours;
}

// ---- payloads ---------------------------------------------------------------------------------

const FIXTURES = join(__dirname, '../../test/fixtures/inkbox-fixtures');
const fixtures: Json[] = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(FIXTURES, d.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(FIXTURES, d.name, f)),
  )
  .map((file) => JSON.parse(readFileSync(file, 'utf8')) as Json);

/** Valid payloads of one event type: the testing kit's, and every stored real payload of that type. */
function basesOf(type: InkboxEventType): Json[] {
  const made = createInkboxEvent(type as Parameters<typeof createInkboxEvent>[0]) as unknown as Json;
  return [
    made,
    ...fixtures.filter((f) => f !== null && typeof f === 'object' && !Array.isArray(f) && f.event_type === type),
  ];
}

function paths(value: Json, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [];
  const out: Path[] = [];
  const entries: Array<[string | number, Json]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, child] of entries) out.push([...prefix, key], ...paths(child, [...prefix, key]));
  return out;
}

const REMOVE = Symbol('remove');
function changed(root: Json, path: Path, value: Json | typeof REMOVE): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) {
    const next = parent[key];
    if (next === null || typeof next !== 'object') return copy; // an earlier edit replaced the parent
    parent = next as Record<string | number, Json>;
  }
  const last = path[path.length - 1]!;
  if (value === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = value;
  }
  return copy;
}

/** Replacement values: of every JSON kind, with strings of the shapes the DTOs care about. */
const value: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    1,
    -7,
    1.5,
    '',
    'x',
    'not a date',
    '2026-05-17T10:00:00.000Z',
    '2026-05-17',
    'message.received',
    [],
    {},
  ),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null)), {
    maxLength: 3,
  }) as fc.Arbitrary<Json>,
  wireJson(2),
);

/**
 * JSON values as the wire carries them: a JSON round trip (so `-0` arrives as `0`, as it does in the
 * bytes), and no `__proto__`/`constructor`/`prototype` keys, which the parser refuses on purpose
 * where class-transformer would take them (their refusal is tested in the hardening suites).
 */
function wireJson(maxDepth: number): fc.Arbitrary<Json> {
  return fc
    .jsonValue({ maxDepth })
    .map((value) => JSON.parse(JSON.stringify(value)) as Json)
    .filter((value) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(value)));
}

/** One edit of a payload, as data (so that a failure report shows it). */
type Edit = { set: Path; to: Json } | { remove: Path };

function applied(json: Json, edit: Edit): Json {
  return 'remove' in edit ? changed(json, edit.remove, REMOVE) : changed(json, edit.set, edit.to);
}

/** A valid base of a type with 0 to 3 edits (set a value, remove a field, add a field): valid and invalid payloads. */
function mutated(type: InkboxEventType): fc.Arbitrary<Json> {
  const bases = basesOf(type);
  return fc.integer({ min: 0, max: bases.length - 1 }).chain((index) => {
    const base = bases[index]!;
    const all = paths(base);
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      fc.record({ set: fc.constantFrom(...all), to: value }),
      fc.record({ remove: fc.constantFrom(...all) }),
      fc.record({
        set: fc
          .tuple(fc.constantFrom<Path>([], ...all), fc.constantFrom('extra', 'later_field', 'x_new'))
          .map(([path, key]) => [...path, key]),
        to: value,
      }),
    );
    return fc.array(edit, { maxLength: 3 }).map((edits) => edits.reduce<Json>(applied, base));
  });
}

// ---- expectations written independently of the DTOs -------------------------------------------

/** A wrong value for a field, and which classes it applies to: these must be rejected naming that field. */
interface KnownInvalid {
  readonly path: Path;
  readonly values: readonly Json[];
  readonly appliesTo: (cls: Function) => boolean;
}

const everyEvent = (): boolean => true;
const mailEvents = (cls: Function): boolean => cls.prototype instanceof InkboxMailEvent;
const KNOWN_INVALID: readonly KnownInvalid[] = [
  { path: ['event_type'], values: ['', 5, true, null, ['message.sent'], { a: 1 }], appliesTo: everyEvent },
  { path: ['timestamp'], values: ['not a date', 'yesterday', '', 1_700_000_000, null, true], appliesTo: everyEvent },
  { path: ['data'], values: ['text', 3, true, null, ['a']], appliesTo: everyEvent },
  { path: ['id'], values: ['', 7, false, ['evt_1'], {}], appliesTo: everyEvent },
  { path: ['data', 'message'], values: ['text', 3, null], appliesTo: mailEvents },
  { path: ['data', 'message', 'from_address'], values: [42, true, null, ['a@example.com']], appliesTo: mailEvents },
  {
    path: ['data', 'message', 'to_addresses'],
    values: ['a@example.com', [1], ['a@example.com', null], null],
    appliesTo: mailEvents,
  },
  { path: ['data', 'message', 'has_attachments'], values: ['yes', 0, null], appliesTo: mailEvents },
  { path: ['data', 'message', 'body_total_chars'], values: [1.5, '46'], appliesTo: mailEvents },
  { path: ['data', 'message', 'direction'], values: [1, null], appliesTo: mailEvents },
  { path: ['data', 'contacts'], values: ['c', 4, [3]], appliesTo: mailEvents },
];

// ---- the tests --------------------------------------------------------------------------------

describe.each(INKBOX_EVENT_TYPES.map((type) => [type] as const))(
  '%s: fast path vs plainToInstance + validate',
  (type) => {
    const cls = INKBOX_EVENT_CLASSES[type] as unknown as Function;

    it('is compiled by the fast path (no decorator left to class-validator)', () => {
      expect(isCompiledByFastPath(cls)).toBe(true);
    });

    it('makes the same decision, names the same fields and builds the same instance on generated payloads', async () => {
      let accepted = 0;
      let rejected = 0;
      await check(
        fc.asyncProperty(mutated(type), async (json) => {
          const verdict = await expectSameAsReference(json);
          if (verdict.ok) accepted++;
          else rejected++;
        }),
      );
      // both sides of the decision were exercised
      expect(accepted).toBeGreaterThan(RUNS / 20);
      expect(rejected).toBeGreaterThan(RUNS / 20);
    });

    it('accepts its valid payloads, with unknown fields added anywhere', async () => {
      const bases = basesOf(type);
      for (const base of bases) expect((await expectSameAsReference(base)).ok).toBe(true);
      await check(
        fc.asyncProperty(
          fc
            .integer({ min: 0, max: bases.length - 1 })
            .chain((i) =>
              fc.tuple(
                fc.constant(bases[i]!),
                fc.constantFrom<Path>([], ...paths(bases[i]!).filter((p) => typeof p[p.length - 1] === 'string')),
              ),
            ),
          wireJson(2),
          async ([base, path], extra) => {
            const target = path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, base);
            if (target === null || typeof target !== 'object' || Array.isArray(target)) return; // only objects get new fields
            const verdict = await expectSameAsReference(changed(base, [...path, 'unknown_field'], extra));
            expect(verdict.ok).toBe(true);
          },
        ),
      );
    });

    it('rejects known-invalid values, naming the field (checked against written expectations, not the DTOs)', async () => {
      const cases = KNOWN_INVALID.filter((c) => c.appliesTo(cls));
      expect(cases.length).toBeGreaterThanOrEqual(4);
      for (const base of basesOf(type)) {
        for (const { path, values } of cases) {
          for (const wrong of values) {
            const verdict = await expectSameAsReference(changed(base, path, wrong));
            expect({ path, wrong, ok: verdict.ok }).toEqual({ path, wrong, ok: false });
            const field = path.join('.');
            if (!verdict.ok)
              expect({
                path,
                wrong,
                named: fieldsOf(verdict.problems).some((f) => f === field || f.startsWith(`${field}.`)),
              }).toEqual({ path, wrong, named: true });
          }
        }
      }
    });
  },
);
