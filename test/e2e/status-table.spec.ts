import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import express from 'express';
import * as http from 'node:http';
import request from 'supertest';
import { InkboxModule, OnInkboxEvent, type MessageBouncedEvent } from '../../lib';
import { createInkboxEvent, signInkboxWebhook } from '../../lib/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { buildAppModule, createApp } from '../support/apps';
import { SIGNING_KEY, sendSigned } from '../support/http';
import { CapturingLogger } from '../support/log-capture';
import { CallLog } from '../support/recording-handlers';

const PATH = '/inkbox/webhooks';

describe('status table', () => {
  let app: INestApplication;
  let log: CallLog;
  let logger: CapturingLogger;

  beforeAll(async () => {
    logger = new CapturingLogger();
    app = await createApp({ inkbox: { maxBodyBytes: 4096 } }, { logger });
    log = app.get(CallLog);
  });
  afterAll(() => app.close());
  beforeEach(() => {
    log.reset();
    logger.lines.length = 0;
  });

  function raw(headers: Record<string, string | undefined>, body: string | Buffer) {
    let req = request(app.getHttpServer()).post(PATH);
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) req = req.set(k, v);
    return req.send(body);
  }
  const signed = (body: unknown = createInkboxEvent('message.bounced')) =>
    signInkboxWebhook(body, { signingKey: SIGNING_KEY });

  it('200 processed: every handler ran and succeeded', async () => {
    const res = await sendSigned(app, PATH, createInkboxEvent('message.bounced'));
    expect([res.status, res.body]).toEqual([200, { outcome: 'processed' }]);
    expect(log.names()).toEqual(['any', 'bounced', 'outcome']);
  });

  it('200 duplicate: the same event again runs nothing', async () => {
    const event = createInkboxEvent('message.sent');
    expect((await sendSigned(app, PATH, event)).body).toEqual({ outcome: 'processed' });
    const again = await sendSigned(app, PATH, event); // new request id and timestamp, same event id
    expect([again.status, again.body]).toEqual([200, { outcome: 'duplicate' }]);
    expect(log.names()).toEqual(['any', 'sent']);
  });

  describe('400: a signature header missing or malformed', () => {
    const cases: Array<[string, (h: Record<string, string>) => Record<string, string | undefined>, RegExp]> = [
      ['no X-Inkbox-Request-ID', (h) => ({ ...h, 'X-Inkbox-Request-ID': undefined }), /Request-ID header is missing/],
      ['no X-Inkbox-Timestamp', (h) => ({ ...h, 'X-Inkbox-Timestamp': undefined }), /Timestamp header is missing/],
      ['no X-Inkbox-Signature', (h) => ({ ...h, 'X-Inkbox-Signature': undefined }), /Signature header is missing/],
      [
        'timestamp in milliseconds with a fraction',
        (h) => ({ ...h, 'X-Inkbox-Timestamp': '1700000000.25' }),
        /whole seconds/,
      ],
      [
        'signature without sha256=',
        (h) => ({ ...h, 'X-Inkbox-Signature': h['X-Inkbox-Signature']!.slice(7) }),
        /sha256=<64 hex digits>/,
      ],
      [
        'signature truncated',
        (h) => ({ ...h, 'X-Inkbox-Signature': h['X-Inkbox-Signature']!.slice(0, 40) }),
        /sha256=<64 hex digits>/,
      ],
    ];
    it.each(cases)('%s', async (_name, change, message) => {
      const s = signed();
      const res = await raw(change(s.headers), s.body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toMatch(message);
      expect(log.calls).toHaveLength(0);
    });
  });

  describe('401: stale timestamp or no matching key, saying which', () => {
    it('timestamp 10 minutes old', async () => {
      const s = signInkboxWebhook(createInkboxEvent('message.failed'), {
        signingKey: SIGNING_KEY,
        timestamp: Math.floor(Date.now() / 1000) - 600,
      });
      const res = await raw(s.headers, s.body);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/is 10 min \(\d+ s\) old, more than the 300 s allowed/);
      expect(log.calls).toHaveLength(0);
    });
    it('timestamp 10 minutes ahead', async () => {
      const s = signInkboxWebhook(createInkboxEvent('message.failed'), {
        signingKey: SIGNING_KEY,
        timestamp: Math.floor(Date.now() / 1000) + 600,
      });
      const res = await raw(s.headers, s.body);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/in the future/);
    });
    it('signed with another key; no key material in the answer or the log', async () => {
      const res = await sendSigned(app, PATH, createInkboxEvent('message.failed'), { key: 'whsec_attacker' });
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(/does not match/);
      expect(JSON.stringify(res.body) + logger.text()).not.toMatch(/test_receiver_key|attacker/);
      expect(logger.text()).toMatch(/Rejected webhook .*signature_mismatch/);
      expect(log.calls).toHaveLength(0);
    });
    it('body changed after signing', async () => {
      const s = signed();
      const res = await raw(s.headers, s.body.replace('"bounced"', '"sent"'));
      expect(res.status).toBe(401);
    });
  });

  describe('415: Content-Type not JSON', () => {
    it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x'])(
      '%s',
      async (type) => {
        const s = signed();
        const res = await raw({ ...s.headers, 'Content-Type': type }, s.body);
        expect(res.status).toBe(415);
        expect(res.body.message).toMatch(/Content-Type must be application\/json/);
        expect(log.calls).toHaveLength(0);
      },
    );
    it('missing Content-Type', async () => {
      const s = signed();
      const res = await request(app.getHttpServer())
        .post(PATH)
        .set({
          'X-Inkbox-Request-ID': s.headers['X-Inkbox-Request-ID'],
          'X-Inkbox-Timestamp': s.headers['X-Inkbox-Timestamp'],
          'X-Inkbox-Signature': s.headers['X-Inkbox-Signature'],
        })
        .send(Buffer.from(s.body));
      expect(res.status).toBe(415);
    });
    it.each(['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/vnd.inkbox+json'])(
      'accepts %s',
      async (type) => {
        const s = signed();
        const res = await raw({ ...s.headers, 'Content-Type': type }, s.body);
        expect(res.status).toBe(200);
      },
    );
  });

  describe('400: body not JSON, or envelope/DTO invalid, listing the fields', () => {
    it('not JSON', async () => {
      const res = await sendSigned(app, PATH, '{"event_type": "message.sent",');
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual([expect.stringMatching(/^the body is not valid JSON/)]);
    });
    it('a JSON array', async () => {
      const res = await sendSigned(app, PATH, '[1,2]');
      expect(res.status).toBe(400);
    });
    it('empty body', async () => {
      const res = await sendSigned(app, PATH, '');
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual([expect.stringMatching(/empty/)]);
    });
    it('envelope fields missing', async () => {
      const res = await sendSigned(app, PATH, { hello: 'world' });
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^event_type/),
          expect.stringMatching(/^timestamp/),
          expect.stringMatching(/^data/),
        ]),
      );
    });
    it('nested DTO fields wrong', async () => {
      const event = createInkboxEvent('message.bounced', {
        data: { message: { from_address: 42 as never, to_addresses: 'x' as never } },
      });
      const res = await sendSigned(app, PATH, event);
      expect(res.status).toBe(400);
      expect(res.body.message).toEqual(
        expect.arrayContaining([
          'data.message.from_address must be a string',
          'data.message.to_addresses must be an array',
        ]),
      );
      expect(log.calls).toHaveLength(0);
    });
  });

  describe('413: body over the size limit', () => {
    it('with Content-Length', async () => {
      const event = createInkboxEvent('message.received', { data: { message: { body: 'x'.repeat(5000) } } });
      const res = await sendSigned(app, PATH, event);
      expect(res.status).toBe(413);
      expect(res.body.message).toMatch(/larger than maxBodyBytes \(4096 bytes\)/);
      expect(log.calls).toHaveLength(0);
    });
    it('streamed without Content-Length (chunked)', async () => {
      const s = signInkboxWebhook(
        createInkboxEvent('message.received', { data: { message: { body: 'y'.repeat(9000) } } }),
        { signingKey: SIGNING_KEY },
      );
      const { port } = await listen(app);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            path: PATH,
            method: 'POST',
            headers: { ...s.headers, 'Transfer-Encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode!);
          },
        );
        req.on('error', reject);
        for (let i = 0; i < s.body.length; i += 1000) req.write(s.body.slice(i, i + 1000));
        req.end();
      });
      expect(status).toBe(413);
      expect(log.calls).toHaveLength(0);
    });
  });

  it('500: a handler threw; the others still ran; the error is logged with event id and handler', async () => {
    log.failNext.set('bounced', 1);
    const event = createInkboxEvent('message.bounced');
    const res = await sendSigned(app, PATH, event);
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/MailHandlers\.onBounced failed/);
    expect(log.names()).toEqual(['any', 'bounced', 'outcome']);
    expect(logger.text()).toMatch(
      new RegExp(
        `error \\[InkboxWebhook\\] Handler MailHandlers\\.onBounced failed for message\\.bounced event ${event.id}`,
      ),
    );
    // Inkbox retries: only the failed handler runs again
    log.reset();
    const retry = await sendSigned(app, PATH, event);
    expect([retry.status, retry.body]).toEqual([200, { outcome: 'processed' }]);
    expect(log.names()).toEqual(['bounced']);
  });

  it('other routes and methods are not touched: GET on the webhook path is 404', async () => {
    expect((await request(app.getHttpServer()).get(PATH)).status).toBe(404);
  });
});

async function listen(app: INestApplication): Promise<{ port: number }> {
  const server = app.getHttpServer();
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port };
}

describe('200 ignored', () => {
  @Injectable()
  class BounceOnly {
    calls = 0;
    @OnInkboxEvent('message.bounced')
    onBounce(_event: MessageBouncedEvent) {
      this.calls++;
    }
  }
  @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })], providers: [BounceOnly] })
  class AppModule {}

  it('answers ignored for a known type without a handler and for an unknown type; runs nothing', async () => {
    const app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
    try {
      const known = await sendSigned(app, PATH, createInkboxEvent('message.sent'));
      expect([known.status, known.body]).toEqual([200, { outcome: 'ignored' }]);
      const unknown = await sendSigned(app, PATH, {
        event_type: 'fax.received',
        timestamp: new Date().toISOString(),
        data: {},
      });
      expect([unknown.status, unknown.body]).toEqual([200, { outcome: 'ignored' }]);
      expect(app.get(BounceOnly).calls).toBe(0);
      expect((await sendSigned(app, PATH, createInkboxEvent('message.bounced'))).body).toEqual({
        outcome: 'processed',
      });
      expect(app.get(BounceOnly).calls).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('misconfiguration and raw body unobtainable', () => {
  @Module({ imports: [InkboxModule.forRoot({ signingKey: undefined as unknown as string })] })
  class NoKeyModule {}

  it('refuses to start without a signing key, naming the option', async () => {
    await expect(NestFactory.create(NoKeyModule, { logger: false, abortOnError: false })).rejects.toThrow(
      /signingKey option is required/,
    );
  });

  it('answers 500 at once when a parser mounted before Nest consumed the stream', async () => {
    @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })] })
    class AppModule {}
    const server = express();
    server.use(express.json());
    const app = await NestFactory.create(AppModule, new ExpressAdapter(server), { logger: false });
    await app.init();
    try {
      const res = await sendSigned(app, PATH, createInkboxEvent('message.sent')).timeout(5000);
      expect(res.status).toBe(500);
      expect(res.body.message).toMatch(/something mounted before Nest .* consumed it/);
    } finally {
      await app.close();
    }
  });
});

describe('status table on the Fastify adapter', () => {
  let app: INestApplication;
  let log: CallLog;
  beforeAll(async () => {
    app = await NestFactory.create(buildAppModule({ inkbox: { maxBodyBytes: 4096 } }), new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
    log = app.get(CallLog);
  });
  afterAll(() => app.close());
  beforeEach(() => log.reset());

  it('processed, then duplicate', async () => {
    const event = createInkboxEvent('message.bounced');
    expect((await sendSigned(app, PATH, event)).body).toEqual({ outcome: 'processed' });
    expect((await sendSigned(app, PATH, event)).body).toEqual({ outcome: 'duplicate' });
    expect(log.names()).toEqual(['any', 'bounced', 'outcome']);
  });

  it.each([
    ['missing signature', { 'X-Inkbox-Signature': undefined }, 400],
    ['forged', { 'X-Inkbox-Signature': 'sha256=' + 'a'.repeat(64) }, 401],
    ['text/plain', { 'Content-Type': 'text/plain' }, 415],
    ['form-encoded', { 'Content-Type': 'application/x-www-form-urlencoded' }, 415],
  ] as Array<[string, Record<string, string | undefined>, number]>)('%s', async (_n, headers, status) => {
    const res = await sendSigned(app, PATH, createInkboxEvent('message.sent'), { headers });
    expect(res.status).toBe(status);
    expect(res.body.statusCode).toBe(status);
    expect(log.calls).toHaveLength(0);
  });

  it.each(['application/vnd.inkbox+json', 'application/json; charset=utf-8'])('accepts %s', async (type) => {
    const res = await sendSigned(app, PATH, createInkboxEvent('message.sent'), { headers: { 'Content-Type': type } });
    expect([res.status, res.body]).toEqual([200, { outcome: 'processed' }]);
  });

  it("refuses to start when maxBodyBytes is above Fastify's bodyLimit, saying what to set", async () => {
    await expect(
      NestFactory.create(buildAppModule({ inkbox: { maxBodyBytes: 3 * 1024 * 1024 } }), new FastifyAdapter(), {
        logger: false,
        abortOnError: false,
      }).then((a) => a.init()),
    ).rejects.toThrow(/new FastifyAdapter\(\{ bodyLimit: 3145728 \}\)/);
  });

  it('413 over maxBodyBytes, 400 for an invalid event', async () => {
    const big = await sendSigned(
      app,
      PATH,
      createInkboxEvent('message.received', { data: { message: { body: 'x'.repeat(5000) } } }),
    );
    expect([big.status, big.body.message]).toEqual([413, 'The webhook body is larger than maxBodyBytes (4096 bytes).']);
    const invalid = await sendSigned(
      app,
      PATH,
      createInkboxEvent('message.sent', { data: { message: { has_attachments: 'no' as never } } }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toEqual(['data.message.has_attachments must be a boolean value']);
    expect(log.calls).toHaveLength(0);
  });
});
