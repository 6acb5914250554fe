import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../support/apps';
import { sendSigned } from '../support/http';
import type { InkboxEventType } from '../../lib';
import { CallLog } from '../support/recording-handlers';
import { CLASS_OF, TYPED_HANDLERS } from '../support/event-classes';

const ROOT = join(__dirname, '../fixtures/inkbox-fixtures');
const SHARED = join(__dirname, '../../../shared/inkbox-fixtures');

const files = ['current', '2026-05-17'].flatMap((dir) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ dir, file: f, bytes: readFileSync(join(ROOT, dir, f), 'utf8') })),
);

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
      expect([rel, createHash('sha256').update(readFileSync(join(ROOT, rel))).digest('hex')]).toEqual([rel, listed.get(rel)]);
    }
  });

  // Where the originals are checked out beside the project, every copy must be identical to its
  // original (a missing original fails); on a clean clone without them this check is reported skipped.
  (existsSync(SHARED) ? it : it.skip)(`are identical to the originals in ${existsSync(SHARED) ? 'the shared fixtures' : 'the shared fixtures (not present: skipped)'}`, () => {
    const all = readdirSync(ROOT, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
    expect(all.length).toBeGreaterThan(0);
    for (const entry of all) {
      const rel = relative(ROOT, join(entry.parentPath, entry.name));
      expect([rel, existsSync(join(SHARED, rel))]).toEqual([rel, true]);
      expect([rel, readFileSync(join(ROOT, rel)).equals(readFileSync(join(SHARED, rel)))]).toEqual([rel, true]);
    }
  });

  const mail = files.filter((f) => f.file.startsWith('message_'));
  it.each(mail.map((f) => [`${f.dir}/${f.file}`, f] as const))('%s reaches its typed handler as its class', async (_n, f) => {
    const json = JSON.parse(f.bytes);
    const res = await sendSigned(app, '/inkbox/webhooks', f.bytes);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(log.names()).toEqual(['any', ...TYPED_HANDLERS[json.event_type as InkboxEventType]].sort());
    for (const call of log.calls) {
      expect(call.className).toBe(CLASS_OF[json.event_type as InkboxEventType]);
      expect(JSON.parse(JSON.stringify(call.event))).toEqual(json);
    }
    // no payload id in these fixtures: the key falls back to the body hash
    expect(log.calls[0]!.delivery.eventKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  const other = files.filter((f) => f.file.startsWith('text_') || f.file.startsWith('call_'));
  it.each(other.map((f) => [`${f.dir}/${f.file}`, f] as const))('%s reaches only the "*" handler, as the envelope class', async (_n, f) => {
    const res = await sendSigned(app, '/inkbox/webhooks', f.bytes);
    expect(res.status).toBe(200);
    expect(log.names()).toEqual(['any']);
    expect(log.calls[0]!.className).toBe('InkboxEvent');
    expect(JSON.parse(JSON.stringify(log.calls[0]!.event))).toEqual(JSON.parse(f.bytes));
  });

  it('phone_incoming_call.json (no envelope; not a subscription event) is refused with 400 naming the missing fields', async () => {
    const f = files.find((x) => x.dir === 'current' && x.file === 'phone_incoming_call.json')!;
    const res = await sendSigned(app, '/inkbox/webhooks', f.bytes);
    expect(res.status).toBe(400);
    expect(res.body.message).toEqual(expect.arrayContaining([expect.stringMatching(/^event_type/), expect.stringMatching(/^data/)]));
    expect(log.calls).toHaveLength(0);
  });
});
