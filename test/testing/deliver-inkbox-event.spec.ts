import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { INKBOX_EVENT_TYPES } from '../../lib';
import { createInkboxEvent, deliverInkboxEvent, sendInkboxWebhook, verifyWith } from './helpers';
import { CallLog } from '../support/recording-handlers';
import { buildAppModule, createApp } from '../support/apps';
import { SIGNING_KEY } from '../support/http';

const key = { signingKey: SIGNING_KEY };

describe('deliverInkboxEvent on an app that was only initialised (no listen)', () => {
  let app: INestApplication;
  let log: CallLog;

  beforeAll(async () => {
    app = await createApp();
    log = app.get(CallLog);
  });
  afterAll(() => app.close());
  beforeEach(() => log.reset());

  it.each(INKBOX_EVENT_TYPES)('delivers %s through the real route to its handlers', async (type) => {
    // an extra top-level field on every type; a deep override of the subject on mail types
    const mail = type.startsWith('message.');
    const res = await deliverInkboxEvent(
      app,
      type,
      { marker: `about ${type}`, ...(mail ? { data: { message: { subject: `about ${type}` } } } : {}) } as never,
      key,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(res.event.event_type).toBe(type);
    // the handler of the type itself: not '*', the mail 'outcome' handler or a family pattern's
    const typed = log.calls.filter((c) => c.handler !== 'any' && c.handler !== 'outcome' && !c.handler.endsWith('.*'));
    expect(typed).toHaveLength(1);
    expect(typed[0]!.event).toMatchObject({
      id: res.event.id,
      event_type: type,
      marker: `about ${type}`,
      ...(mail ? { data: { message: { subject: `about ${type}` } } } : {}),
    });
  });

  it('takes the options as third argument when there are no overrides', async () => {
    const res = await deliverInkboxEvent(app, 'message.received', key);
    expect(res.status).toBe(200);
    expect(log.names()).toEqual(['any', 'received']);
  });

  it('leaves the server as it found it: not listening', async () => {
    await deliverInkboxEvent(app, 'message.sent', undefined, key);
    expect((app.getHttpServer() as Server).listening).toBe(false);
  });

  it('handles concurrent deliveries on the temporarily bound server, then closes it', async () => {
    const results = await Promise.all(INKBOX_EVENT_TYPES.map((type) => deliverInkboxEvent(app, type, undefined, key)));
    expect(results.map((r) => r.status)).toEqual(INKBOX_EVENT_TYPES.map(() => 200));
    expect(new Set(log.calls.filter((c) => c.handler === 'any').map((c) => c.event.id)).size).toBe(
      INKBOX_EVENT_TYPES.length,
    );
    expect((app.getHttpServer() as Server).listening).toBe(false);
  });

  it('answers 401 and runs nothing when signed with another key', async () => {
    const res = await deliverInkboxEvent(app, 'message.bounced', undefined, { signingKey: 'whsec_not_the_app_key' });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(String(res.body?.message)).toMatch(/does not match/);
    expect(log.calls).toHaveLength(0);
  });

  it('answers 401 for a timestamp outside the tolerance', async () => {
    const res = await deliverInkboxEvent(app, 'message.bounced', undefined, {
      ...key,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(res.status).toBe(401);
    expect(String(res.body?.message)).toMatch(/old/);
    expect(log.calls).toHaveLength(0);
  });

  it('lets a test remove or replace headers to exercise the guard', async () => {
    const unsigned = await deliverInkboxEvent(app, 'message.sent', undefined, {
      ...key,
      headers: { 'x-inkbox-signature': undefined },
    });
    expect(unsigned.status).toBe(400);
    expect(unsigned.request.headers).not.toHaveProperty('X-Inkbox-Signature');
    const text = await deliverInkboxEvent(app, 'message.sent', undefined, {
      ...key,
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.request.headers).toEqual(expect.objectContaining({ 'content-type': 'text/plain' }));
    expect(log.calls).toHaveLength(0);
  });

  it('reports what it sent: the exact signed body and headers', async () => {
    const res = await deliverInkboxEvent(app, 'message.delivered', undefined, { ...key, requestId: 'req-kit-1' });
    expect(JSON.parse(res.request.body)).toEqual(res.event);
    expect(res.request.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/inkbox\/webhooks$/);
    expect(res.request.headers['X-Inkbox-Request-ID']).toBe('req-kit-1');
    expect(verifyWith(SIGNING_KEY, res.request.headers, res.request.body).ok).toBe(true);
    expect(log.calls.find((c) => c.handler === 'delivered')?.delivery.requestId).toBe('req-kit-1');
  });

  it('sendInkboxWebhook sends a redelivery of the same event, which is answered as a duplicate', async () => {
    const event = createInkboxEvent('message.failed');
    const first = await sendInkboxWebhook(app, event, key);
    const again = await sendInkboxWebhook(app, JSON.stringify(event), key);
    expect([first.body, again.body]).toEqual([{ outcome: 'processed' }, { outcome: 'duplicate' }]);
    expect(log.names()).toEqual(['any', 'failed', 'outcome']);
  });

  it('sendInkboxWebhook sends a string body byte for byte (invalid payloads get a 400 naming the field)', async () => {
    const payload = createInkboxEvent('message.received');
    const broken = JSON.stringify({
      ...payload,
      data: { ...payload.data, message: { ...payload.data.message, from_address: 42 } },
    });
    const res = await sendInkboxWebhook(app, broken, key);
    expect(res.request.body).toBe(broken);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body?.message)).toMatch(/from_address/);
    expect(log.calls).toHaveLength(0);
  });
});

describe('deliverInkboxEvent on other targets', () => {
  it('works on a listening app and on its base URL', async () => {
    const app = await createApp();
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
      const viaApp = await deliverInkboxEvent(app, 'message.received', undefined, key);
      const viaUrl = await deliverInkboxEvent(`http://127.0.0.1:${port}`, 'message.bounced', undefined, key);
      const viaFullUrl = await deliverInkboxEvent(
        new URL(`http://127.0.0.1:${port}/inkbox/webhooks`),
        'message.sent',
        undefined,
        key,
      );
      expect([viaApp.status, viaUrl.status, viaFullUrl.status]).toEqual([200, 200, 200]);
      expect(app.get(CallLog).names()).toEqual(['any', 'any', 'any', 'bounced', 'outcome', 'received', 'sent']);
      expect((app.getHttpServer() as Server).listening).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('works on an initialised Fastify app', async () => {
    const app = await NestFactory.create(buildAppModule(), new FastifyAdapter(), { logger: false });
    await app.init();
    try {
      const res = await deliverInkboxEvent(app, 'message.bounced', undefined, key);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'processed' });
      expect(app.get(CallLog).names()).toEqual(['any', 'bounced', 'outcome']);
      const forged = await deliverInkboxEvent(app, 'message.bounced', undefined, {
        signingKey: 'whsec_not_the_app_key',
      });
      expect(forged.status).toBe(401);
      expect((app.getHttpServer() as Server).listening).toBe(false);
    } finally {
      await app.close();
    }
  });

  it('uses `path` for an app with a global prefix', async () => {
    const app = await createApp({}, {}, (a) => a.setGlobalPrefix('api'));
    try {
      const wrong = await deliverInkboxEvent(app, 'message.sent', undefined, key);
      expect(wrong.status).toBe(404);
      const right = await deliverInkboxEvent(app, 'message.sent', undefined, { ...key, path: 'api/inkbox/webhooks' });
      expect(right.status).toBe(200);
      expect(app.get(CallLog).names()).toEqual(['any', 'sent']);
    } finally {
      await app.close();
    }
  });

  it('works on a plain Node HTTP server, which receives the exact bytes that were signed', async () => {
    const received: Array<{ url?: string; headers: Record<string, unknown>; body: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}');
      });
    });
    const res = await deliverInkboxEvent(server, 'message.forwarded', undefined, { ...key, path: '/hooks/inkbox' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true });
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/hooks/inkbox');
    expect(received[0]!.body).toBe(res.request.body);
    expect(verifyWith(SIGNING_KEY, received[0]!.headers as Record<string, string>, received[0]!.body).ok).toBe(true);
    expect(server.listening).toBe(false);
  });

  it('rejects with a clear error when nothing answers', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(deliverInkboxEvent(`http://127.0.0.1:${port}`, 'message.sent', undefined, key)).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });

  it('rejects with a timeout when the app never answers', async () => {
    const server = createServer(() => undefined);
    try {
      await expect(deliverInkboxEvent(server, 'message.sent', undefined, { ...key, timeoutMs: 200 })).rejects.toThrow(
        /within 200 ms/,
      );
    } finally {
      server.closeAllConnections();
    }
  });

  it('refuses to run without a signing key or with a bad target', async () => {
    await expect(
      deliverInkboxEvent('http://127.0.0.1:1', 'message.sent', undefined, { signingKey: '' }),
    ).rejects.toThrow(/signingKey/);
    await expect(deliverInkboxEvent('http://127.0.0.1:1', 'message.sent', { id: 'evt_x' } as never)).rejects.toThrow(
      /signingKey/,
    );
    await expect(deliverInkboxEvent({} as never, 'message.sent', undefined, key)).rejects.toThrow(
      /Nest application, a Node HTTP server or a URL/,
    );
    await expect(deliverInkboxEvent('ftp://example.com', 'message.sent', undefined, key)).rejects.toThrow(
      /http and https/,
    );
  });
});
