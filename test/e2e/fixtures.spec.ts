import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

  it('are the same files as the shared originals, when those are present', () => {
    let shared: string[] = [];
    try {
      shared = ['current', '2026-05-17'].flatMap((d) => readdirSync(join(SHARED, d)).map((f) => `${d}/${f}`));
    } catch {
      return; // outside the workspace the vendored copies stand alone
    }
    expect(files.map((f) => `${f.dir}/${f.file}`).sort()).toEqual(shared.sort());
    for (const f of files) expect(f.bytes).toBe(readFileSync(join(SHARED, f.dir, f.file), 'utf8'));
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
