import { Injectable, type INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { InkboxEvent, OnInkboxEvent, type InkboxDeliveryContext } from '../../lib';
import { createInkboxEvent, signInkboxWebhook } from '../../lib/testing';
import { APP_KINDS, KEY, makeHardenApp, rejectionLines } from './harden-app';
import { listen, rawRequest } from './raw-http';

const PATH = '/inkbox/webhooks';

@Injectable()
class Recorder {
  readonly calls: Array<{ type: string; id?: string; key: string }> = [];
  @OnInkboxEvent('*')
  any(event: InkboxEvent, delivery: InkboxDeliveryContext) {
    this.calls.push({ type: event.event_type, id: event.id, key: delivery.eventKey });
  }
}

function signed(body: unknown, extra: { requestId?: string; timestamp?: number } = {}) {
  const s = signInkboxWebhook(body, { signingKey: KEY, ...extra });
  return { body: s.body, headers: { ...(s.headers as Record<string, string>) } };
}

describe.each(APP_KINDS)('receiver hardening — %s', (kind) => {
  let app: INestApplication;
  let port: number;
  let logger: Awaited<ReturnType<typeof makeHardenApp>>['logger'];

  beforeAll(async () => {
    ({ app, logger } = await makeHardenApp(kind, { maxBodyBytes: 4096 }, { providers: [Recorder] }));
    port = await listen(app);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    app.get(Recorder).calls.length = 0;
    logger.lines.length = 0;
  });

  describe('headers are judged before the body is read (the body never comes)', () => {
    const cases: Array<[string, number, (h: Record<string, string>) => void]> = [
      ['no X-Inkbox-Signature', 400, (h) => delete h['X-Inkbox-Signature']],
      ['a malformed signature', 400, (h) => (h['X-Inkbox-Signature'] = 'sha256=zz')],
      ['a stale timestamp', 401, (h) => (h['X-Inkbox-Timestamp'] = String(Math.floor(Date.now() / 1000) - 3600))],
      [
        'a timestamp in the future',
        401,
        (h) => (h['X-Inkbox-Timestamp'] = String(Math.floor(Date.now() / 1000) + 3600)),
      ],
    ];
    it.each(cases)('%s → %i at once, connection closed', async (_name, status, edit) => {
      const s = signed(createInkboxEvent('message.received'));
      edit(s.headers);
      const res = await rawRequest(
        port,
        'POST',
        PATH,
        { ...s.headers, 'content-length': String(50 * 1024 * 1024) },
        s.body,
        { sendBytes: 10 },
      );
      expect(res.status).toBe(status);
      expect(res.headers.connection).toBe('close');
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: status });
      expect(rejectionLines(logger)).toHaveLength(1);
    });

    it('a declared Content-Length above maxBodyBytes → 413 at once with Connection: close', async () => {
      const s = signed(createInkboxEvent('message.received'));
      const res = await rawRequest(port, 'POST', PATH, { ...s.headers, 'content-length': '4097' }, s.body, {
        sendBytes: 0,
      });
      expect(res.status).toBe(413);
      expect(res.headers.connection).toBe('close');
      expect(rejectionLines(logger)).toHaveLength(1);
    });
  });

  describe('maxBodyBytes is the largest body accepted', () => {
    function bodyOfSize(size: number): string {
      const event = createInkboxEvent('message.received') as Record<string, unknown>;
      const base = JSON.stringify({ ...event, pad: '' });
      return JSON.stringify({ ...event, pad: 'x'.repeat(size - base.length) });
    }
    it('exactly maxBodyBytes → 200', async () => {
      const body = bodyOfSize(4096);
      expect(Buffer.byteLength(body)).toBe(4096);
      const s = signed(body);
      const res = await rawRequest(port, 'POST', PATH, s.headers, s.body);
      expect(res.status).toBe(200);
      expect(app.get(Recorder).calls).toHaveLength(1);
    });
    it('one byte more → 413, also when the length is not declared (chunked)', async () => {
      const s = signed(bodyOfSize(4097));
      expect((await rawRequest(port, 'POST', PATH, s.headers, s.body)).status).toBe(413);
      const chunked = await rawRequest(
        port,
        'POST',
        PATH,
        { ...s.headers, 'transfer-encoding': 'chunked', 'content-length': '' },
        s.body,
      );
      expect(chunked.status).toBe(413);
      expect(app.get(Recorder).calls).toHaveLength(0);
    });
  });

  it('a +json media type with parameters is accepted on the webhook route', async () => {
    const s = signed(createInkboxEvent('message.received'));
    const res = await rawRequest(
      port,
      'POST',
      PATH,
      { ...s.headers, 'Content-Type': 'application/vnd.inkbox+json; charset=utf-8' },
      s.body,
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ outcome: 'processed' });
  });

  describe('logs: one escaped, bounded line per rejection', () => {
    it('an invalid payload (400) is logged once at warn with the request id', async () => {
      const s = signed({ event_type: 7, timestamp: 'no', data: {} }, { requestId: 'req-invalid-payload' });
      const res = await rawRequest(port, 'POST', PATH, s.headers, s.body);
      expect(res.status).toBe(400);
      const lines = rejectionLines(logger);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/400.*req-invalid-payload/);
    });

    it('an event id with CR/LF is a 400 naming id, and cannot forge a log line', async () => {
      const event = { ...createInkboxEvent('message.received'), id: 'evt_1\r\n[Nest] 1 - WARN forged line' };
      const s = signed(event, { requestId: 'req-crlf' });
      const res = await rawRequest(port, 'POST', PATH, s.headers, s.body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).message.join(' ')).toMatch(/\bid\b/);
      for (const line of logger.lines) expect(line.message).not.toMatch(/[\r\n\u0085]/);
      expect(rejectionLines(logger)).toHaveLength(1);
    });

    it('a request id with a C1 control byte is logged escaped', async () => {
      const s = signed(createInkboxEvent('message.received'));
      const res = await rawRequest(
        port,
        'POST',
        PATH,
        { ...s.headers, 'X-Inkbox-Request-ID': Buffer.from('abc\x85\x9bdef', 'latin1').toString('latin1') },
        s.body,
      );
      expect(res.status).toBe(400);
      const [line] = rejectionLines(logger);
      expect(line).toContain('abc\\x85\\x9bdef');
      expect(line).not.toMatch(/[\u0080-\u009f]/);
    });

    it('a flood of rejections writes at most 20 lines', async () => {
      // a fresh app, so that the rejections of the tests above do not share its rate-limit window
      const flood = await makeHardenApp(kind, { maxBodyBytes: 4096 }, { providers: [Recorder] });
      const floodPort = await listen(flood.app);
      try {
        const started = Date.now();
        for (let i = 0; i < 30; i++) {
          const res = await rawRequest(floodPort, 'POST', PATH, { 'content-type': 'application/json' }, '{}');
          expect(res.status).toBe(400);
        }
        // 20 lines per 10 s window: exactly 20 when the 30 requests fell in one window, as they do
        // unless the machine is extremely slow (then the second window may add the remaining 10)
        const lines = rejectionLines(flood.logger).length;
        if (Date.now() - started < 9_000) expect(lines).toBe(20);
        else expect(lines).toBeGreaterThanOrEqual(20);
      } finally {
        await flood.app.close();
      }
    });
  });

  describe('event ids', () => {
    it('an id of 256 characters is accepted; 257 is a 400 naming id', async () => {
      const ok = signed({ ...createInkboxEvent('message.received'), id: `evt_${'a'.repeat(252)}` });
      expect((await rawRequest(port, 'POST', PATH, ok.headers, ok.body)).status).toBe(200);
      const long = signed({ ...createInkboxEvent('message.received'), id: `evt_${'a'.repeat(253)}` });
      const res = await rawRequest(port, 'POST', PATH, long.headers, long.body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).message.join(' ')).toMatch(/^id must be at most 256/);
    });

    it('an id that looks like the body-hash fallback of another event never makes that event a duplicate', async () => {
      const { id: _drop, ...withoutId } = createInkboxEvent('message.received') as Record<string, unknown>;
      const idless = signed(withoutId);
      const hash = createHash('sha256').update(idless.body).digest('hex');
      const impostor = signed({ ...createInkboxEvent('message.sent'), id: `sha256:${hash}` });
      expect(JSON.parse((await rawRequest(port, 'POST', PATH, impostor.headers, impostor.body)).body)).toEqual({
        outcome: 'processed',
      });
      expect(JSON.parse((await rawRequest(port, 'POST', PATH, idless.headers, idless.body)).body)).toEqual({
        outcome: 'processed',
      });
      const keys = app.get(Recorder).calls.map((c) => c.key);
      expect(new Set(keys).size).toBe(2);
    });
  });
});

describe('a request that reaches the webhook route uncaptured (Express, URL rewritten after the capture)', () => {
  it('is a 400 saying so, never a 500 with setup advice', async () => {
    const { app, logger } = await makeHardenApp('express', {}, { providers: [Recorder] });
    try {
      const express = app.getHttpAdapter().getInstance() as {
        use(fn: (req: { url: string }, res: unknown, next: () => void) => void): void;
      };
      // a rewrite of the app's own, added after the capture: the router then sends /alias to the webhook route
      express.use((req, _res, next) => {
        if (req.url === '/alias') req.url = PATH;
        next();
      });
      const stack = (express as unknown as { router: { stack: Array<{ handle?: { name?: string } }> } }).router.stack;
      const rewrite = stack.pop()!;
      const capture = stack.findIndex((layer) => layer.handle?.name === 'nestjsInkboxRawBodyCapture');
      expect(capture).toBeGreaterThanOrEqual(0);
      stack.splice(capture + 1, 0, rewrite); // right behind the capture, ahead of the parsers and routes
      const port = await listen(app);
      const s = signed(createInkboxEvent('message.received'));
      const res = await rawRequest(port, 'POST', '/alias', s.headers, s.body);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).message).toMatch(/not captured/);
      expect(res.body).not.toMatch(/rawBody/);
      expect(app.get(Recorder).calls).toHaveLength(0);
      expect(rejectionLines(logger)).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});
