import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildAppModule, createApp } from '../support/apps';
import { sendSigned } from '../support/http';
import { INKBOX_EVENT_FAMILIES, type InkboxEventType } from '../../lib';
import { CallLog } from '../support/recording-handlers';
import { CLASS_OF, TYPED_HANDLERS } from '../support/event-classes';

const ROOT = join(__dirname, '../fixtures/inkbox-fixtures');
const SHARED = join(__dirname, '../../../shared/inkbox-fixtures');

const files = ['current', '2026-05-17'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ dir, file: f, bytes: readFileSync(join(ROOT, dir, f), 'utf8') })),
);
/** iMessage and A2A payloads written from the SDK's wire types (Inkbox ships no fixture files for them). */
const FAMILY_FIXTURES = join(__dirname, 'family-fixtures');
const familyFiles = readdirSync(FAMILY_FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ dir: 'family-fixtures', file: f, bytes: readFileSync(join(FAMILY_FIXTURES, f), 'utf8') }));

async function fastifyApp(): Promise<INestApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(buildAppModule(), new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe("Inkbox's own fixtures, sent as their exact bytes", () => {
  let app: INestApplication;
  let log: CallLog;
  beforeAll(async () => {
    app = await createApp();
    log = app.get(CallLog);
  });
  afterAll(() => app.close());
  beforeEach(() => log.reset());

  it('are unchanged copies: every file matches the committed SHA-256 list', () => {
    const manifest = readFileSync(join(__dirname, '../fixtures/inkbox-fixtures.sha256'), 'utf8').trim().split('\n');
    const listed = new Map(manifest.map((line) => [line.slice(66).replace(/^\.\//, ''), line.slice(0, 64)]));
    const all = readdirSync(ROOT, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(all.length).toBe(listed.size);
    for (const entry of all) {
      const rel = relative(ROOT, join(entry.parentPath, entry.name));
      expect([
        rel,
        createHash('sha256')
          .update(readFileSync(join(ROOT, rel)))
          .digest('hex'),
      ]).toEqual([rel, listed.get(rel)]);
    }
  });

  // Where the originals are checked out beside the project, every copy must be identical to its
  // original (a missing original fails); on a clean clone without them this check is reported skipped.
  (existsSync(SHARED) ? it : it.skip)(
    `are identical to the originals in ${existsSync(SHARED) ? 'the shared fixtures' : 'the shared fixtures (not present: skipped)'}`,
    () => {
      const all = readdirSync(ROOT, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
      expect(all.length).toBeGreaterThan(0);
      for (const entry of all) {
        const rel = relative(ROOT, join(entry.parentPath, entry.name));
        expect([rel, existsSync(join(SHARED, rel))]).toEqual([rel, true]);
        expect([rel, readFileSync(join(ROOT, rel)).equals(readFileSync(join(SHARED, rel)))]).toEqual([rel, true]);
      }
    },
  );

  it('the iMessage and A2A payloads cover every event type of their families', () => {
    const types = new Set(familyFiles.map((f) => JSON.parse(f.bytes).event_type));
    expect([...types].sort()).toEqual(
      [...INKBOX_EVENT_FAMILIES['imessage.*'], ...INKBOX_EVENT_FAMILIES['a2a.*']].sort(),
    );
    const shipped = new Set(files.map((f) => JSON.parse(f.bytes).event_type).filter(Boolean));
    for (const family of ['message.*', 'text.*', 'call.*'] as const)
      for (const type of INKBOX_EVENT_FAMILIES[family]) expect(shipped).toContain(type);
  });

  const envelopes = [...files.filter((f) => f.file !== 'phone_incoming_call.json'), ...familyFiles];
  describe.each([
    ['Express', () => createApp()],
    ['Fastify', fastifyApp],
  ] as const)('through the real route on %s', (_adapter, make) => {
    let server: INestApplication;
    let calls: CallLog;
    beforeAll(async () => {
      server = await make();
      calls = server.get(CallLog);
    });
    afterAll(() => server.close());
    beforeEach(() => calls.reset());

    it.each(envelopes.map((f) => [`${f.dir}/${f.file}`, f] as const))(
      '%s reaches its typed handlers as its class',
      async (_n, f) => {
        const json = JSON.parse(f.bytes);
        const res = await sendSigned(server, '/inkbox/webhooks', f.bytes);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ outcome: 'processed' });
        expect(calls.names()).toEqual(['any', ...TYPED_HANDLERS[json.event_type as InkboxEventType]].sort());
        for (const call of calls.calls) {
          expect(call.className).toBe(CLASS_OF[json.event_type as InkboxEventType]);
          // unknown fields kept, nothing added or changed
          expect(JSON.parse(JSON.stringify(call.event))).toEqual(json);
          // payloads without an id fall back to the body hash
          expect(call.delivery.eventKey).toBe(
            json.id ?? `sha256:${createHash('sha256').update(f.bytes).digest('hex')}`,
          );
        }
      },
    );
  });

  it('phone_incoming_call.json (no envelope; not a subscription event) is refused with 400 naming the missing fields', async () => {
    const f = files.find((x) => x.dir === 'current' && x.file === 'phone_incoming_call.json')!;
    const res = await sendSigned(app, '/inkbox/webhooks', f.bytes);
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(
      expect.arrayContaining([expect.stringMatching(/^event_type/), expect.stringMatching(/^data/)]),
    );
    expect(log.calls).toHaveLength(0);
  });
});
