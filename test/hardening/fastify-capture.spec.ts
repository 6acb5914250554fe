import Fastify from 'fastify';
import { INKBOX_RAW_BODY } from '../../lib/inkbox.constants';
import { INKBOX_CAPTURED_ROUTE_CONFIG } from '../../lib/receiver/inkbox-captured-route.decorator';
import { installFastifyInkboxCapture } from '../../lib/receiver/inkbox-fastify.capture';
import { signInkboxWebhook } from '../../lib/testing';
import { rawRequest } from './raw-http';

/**
 * The Fastify capture on a bare instance, both ways it is installed: before the routes exist (an
 * `onRoute` hook attaches it to the captured route) and after (older Nest under
 * Test.createTestingModule: instance hooks that act only on the captured route).
 */
describe.each([false, true])('Fastify capture (installed after the routes: %s)', (late) => {
  async function build() {
    const app = Fastify();
    const rejected: number[] = [];
    const install = () =>
      installFastifyInkboxCapture(app, {
        maxBytes: 1024,
        toleranceSeconds: 300,
        late,
        onReject: (r) => rejected.push(r.status),
      });
    if (!late) install();
    app.post('/hook', { config: { [INKBOX_CAPTURED_ROUTE_CONFIG]: true } }, async (req) => ({
      raw: (req as unknown as Record<symbol, Buffer | undefined>)[INKBOX_RAW_BODY]?.toString('utf8') ?? null,
      body: req.body ?? null,
      type: req.headers['content-type'],
      length: req.headers['content-length'] ?? null,
      chunked: req.headers['transfer-encoding'] ?? null,
      seenByHook: (req as unknown as { seen?: unknown }).seen ?? null,
    }));
    // an app-level preHandler sees the request's own headers, as without the capture
    app.addHook('preHandler', async (req) => {
      (req as unknown as { seen?: unknown }).seen = [
        req.headers['content-type'] ?? null,
        req.headers['content-length'] ?? null,
      ];
    });
    app.post('/other', async (req) => ({
      raw: (req as unknown as Record<symbol, unknown>)[INKBOX_RAW_BODY] !== undefined,
      body: req.body ?? null,
    }));
    if (late) install();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as { port: number }).port;
    const send = async (url: string, headers: Record<string, string>, payload: string) => {
      const res = await rawRequest(port, 'POST', url, headers, payload);
      return { statusCode: res.status, headers: res.headers, json: () => JSON.parse(res.body) as unknown };
    };
    return { app, rejected, send };
  }

  it('keeps the exact bytes on the captured route, restores its content type and leaves the body unparsed', async () => {
    const { app, rejected, send } = await build();
    const body = '{ "a" : 1 }';
    const signed = signInkboxWebhook(body, { signingKey: 'k' });
    const res = await send(
      '/hook',
      { ...(signed.headers as Record<string, string>), 'content-type': 'application/vnd.x+json; charset=utf-8' },
      body,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      raw: body,
      body: null,
      type: 'application/vnd.x+json; charset=utf-8',
      length: String(body.length),
      chunked: null,
      seenByHook: ['application/vnd.x+json; charset=utf-8', String(body.length)],
    });
    expect(rejected).toEqual([]);
    await app.close();
  });

  it('does the same for a body sent in chunks (no Content-Length)', async () => {
    const { app, rejected, send } = await build();
    const body = '{"b":[1,2]}';
    const signed = signInkboxWebhook(body, { signingKey: 'k' });
    const res = await send(
      '/hook',
      {
        ...(signed.headers as Record<string, string>),
        'content-type': 'application/json',
        'content-length': '',
        'transfer-encoding': 'chunked',
      },
      body,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      raw: body,
      body: null,
      type: 'application/json',
      length: null,
      chunked: 'chunked',
      seenByHook: ['application/json', null],
    });
    expect(rejected).toEqual([]);
    await app.close();
  });

  it('leaves other routes alone: Fastify parses, refuses +json and __proto__ as without the capture', async () => {
    const { app, send } = await build();
    const ok = await send('/other', { 'content-type': 'application/json' }, '{"a":1}');
    expect(ok.json()).toEqual({ raw: false, body: { a: 1 } });
    expect((await send('/other', { 'content-type': 'application/merge-patch+json' }, '{}')).statusCode).toBe(415);
    expect((await send('/other', { 'content-type': 'application/json' }, '{"__proto__":{"x":1}}')).statusCode).toBe(
      400,
    );
    await app.close();
  });

  it('answers bad headers and oversize bodies itself, with Connection: close', async () => {
    const { app, rejected, send } = await build();
    const unsigned = await send('/hook', { 'content-type': 'application/json' }, '{}');
    expect(unsigned.statusCode).toBe(400);
    expect(unsigned.headers.connection).toBe('close');
    const big = JSON.stringify({ pad: 'x'.repeat(2000) });
    const signed = signInkboxWebhook(big, { signingKey: 'k' });
    const tooBig = await send('/hook', signed.headers, big);
    expect(tooBig.statusCode).toBe(413);
    expect(rejected).toEqual([400, 413]);
    await app.close();
  });
});
