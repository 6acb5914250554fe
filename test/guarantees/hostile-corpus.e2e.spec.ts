import { createHmac, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { computeInkboxSignature } from '../../lib';
import { createInkboxEvent } from '../../lib/testing';
import { createApp } from '../support/apps';
import { SIGNING_KEY } from '../support/http';
import { CallLog } from '../support/recording-handlers';
import { rawRequest, type RawRequest, type RawResponse } from './support/raw-http';

/**
 * At least 60 hostile requests over real HTTP. Each gets the status of the design's table, no
 * handler runs ('*' handlers included), no answer shows key material, the process keeps serving,
 * and Object.prototype is untouched.
 */

const MiB = 1024 * 1024;
const now = () => Math.floor(Date.now() / 1000);
const validEvent = () => JSON.stringify(createInkboxEvent('message.received'));
const hex64 = (c = 'a') => c.repeat(64);

interface Parts {
  body: Buffer | string;
  requestId?: string | Buffer | null;
  timestamp?: string | null;
  signature?: string | null;
  contentType?: string | null;
  extra?: Array<[string, string | Buffer]>;
  signedBody?: Buffer | string;
  signedRequestId?: string;
  signedTimestamp?: string;
  key?: string;
  chunked?: boolean;
}

/** Builds a request: signed correctly unless a part is overridden (`null` leaves a header out). */
function build(p: Parts): RawRequest {
  const body = Buffer.isBuffer(p.body) ? p.body : Buffer.from(p.body, 'utf8');
  const requestId = p.requestId === undefined ? randomUUID() : p.requestId;
  const timestamp = p.timestamp === undefined ? String(now()) : p.timestamp;
  const signature =
    p.signature !== undefined
      ? p.signature
      : computeInkboxSignature(
          p.key ?? SIGNING_KEY,
          p.signedRequestId ?? (typeof requestId === 'string' ? requestId : ''),
          p.signedTimestamp ?? timestamp ?? '',
          p.signedBody ?? body,
        );
  const headers: Array<[string, string | Buffer]> = [];
  if (p.contentType !== null) headers.push(['Content-Type', p.contentType ?? 'application/json']);
  if (requestId !== null) headers.push(['X-Inkbox-Request-ID', requestId]);
  if (timestamp !== null) headers.push(['X-Inkbox-Timestamp', timestamp]);
  if (signature !== null) headers.push(['X-Inkbox-Signature', signature]);
  headers.push(...(p.extra ?? []));
  return { path: '/inkbox/webhooks', headers, body, chunked: p.chunked };
}

interface Case {
  name: string;
  status: number;
  make: () => RawRequest;
  /** Answered by Node's HTTP parser before the app sees it (no JSON body). */
  byNode?: boolean;
  message?: RegExp;
}

const sig = (body: string, requestId: string, ts: string, key = SIGNING_KEY) =>
  computeInkboxSignature(key, requestId, ts, body);

const CASES: Case[] = [
  // ---- signature headers missing or malformed → 400
  {
    name: 'no X-Inkbox headers at all',
    status: 400,
    make: () => build({ body: validEvent(), requestId: null, timestamp: null, signature: null }),
  },
  {
    name: 'request id missing',
    status: 400,
    make: () => build({ body: validEvent(), requestId: null }),
    message: /Request-ID/,
  },
  {
    name: 'timestamp missing',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: null }),
    message: /Timestamp/,
  },
  {
    name: 'signature missing',
    status: 400,
    make: () => build({ body: validEvent(), signature: null }),
    message: /Signature/,
  },
  { name: 'request id empty', status: 400, make: () => build({ body: validEvent(), requestId: '' }) },
  { name: 'timestamp empty', status: 400, make: () => build({ body: validEvent(), timestamp: '' }) },
  { name: 'signature empty', status: 400, make: () => build({ body: validEvent(), signature: '' }) },
  {
    name: 'request id given twice',
    status: 400,
    make: () => build({ body: validEvent(), extra: [['X-Inkbox-Request-ID', 'second-id']] }),
  },
  {
    name: 'timestamp given twice',
    status: 400,
    make: () => build({ body: validEvent(), extra: [['X-Inkbox-Timestamp', String(now())]] }),
  },
  {
    name: 'signature given twice (the right one and another)',
    status: 400,
    make: () => build({ body: validEvent(), extra: [['X-Inkbox-Signature', `sha256=${hex64()}`]] }),
  },
  {
    name: 'signature given twice (the right one twice)',
    status: 400,
    make: () => {
      const body = validEvent();
      const ts = String(now());
      const s = sig(body, 'rid-dup', ts);
      return build({ body, requestId: 'rid-dup', timestamp: ts, signature: s, extra: [['X-Inkbox-Signature', s]] });
    },
  },
  {
    name: 'request id of 300 characters',
    status: 400,
    make: () => build({ body: validEvent(), requestId: 'r'.repeat(300) }),
  },
  { name: 'request id with a space', status: 400, make: () => build({ body: validEvent(), requestId: 'req 1' }) },
  {
    name: 'request id with a Latin-1 byte',
    status: 400,
    make: () => build({ body: validEvent(), requestId: Buffer.from([0x72, 0xe9, 0x71]) }),
  },
  {
    name: 'request id with invalid UTF-8 bytes',
    status: 400,
    make: () => build({ body: validEvent(), requestId: Buffer.from([0xc3, 0x28, 0xff, 0xfe]) }),
  },
  {
    name: 'signature header of 8 KB',
    status: 400,
    make: () => build({ body: validEvent(), signature: `sha256=${'a'.repeat(8 * 1024)}` }),
  },
  {
    name: 'timestamp of 4 000 digits',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: '9'.repeat(4000) }),
  },
  {
    name: 'timestamp not numeric',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: 'yesterday' }),
    message: /whole seconds/,
  },
  {
    name: 'timestamp with a fraction',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: `${now()}.5` }),
  },
  { name: 'timestamp negative', status: 400, make: () => build({ body: validEvent(), timestamp: '-1' }) },
  {
    name: 'timestamp with a plus sign',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: `+${now()}` }),
  },
  {
    name: 'timestamp in exponent notation',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: '1.7e9' }),
  },
  { name: 'timestamp in hex', status: 400, make: () => build({ body: validEvent(), timestamp: '0x6928a600' }) },
  {
    name: 'timestamp in milliseconds',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: String(Date.now()) }),
  },
  {
    name: 'timestamp as an ISO date',
    status: 400,
    make: () => build({ body: validEvent(), timestamp: new Date().toISOString() }),
  },
  {
    name: 'signature scheme sha1=',
    status: 400,
    make: () => build({ body: validEvent(), signature: `sha1=${'a'.repeat(40)}` }),
  },
  { name: 'signature scheme v1=', status: 400, make: () => build({ body: validEvent(), signature: `v1=${hex64()}` }) },
  {
    name: 'signature scheme in upper case',
    status: 400,
    make: () => build({ body: validEvent(), signature: `SHA256=${hex64()}` }),
  },
  { name: 'signature without scheme', status: 400, make: () => build({ body: validEvent(), signature: hex64() }) },
  {
    name: 'signature not hex',
    status: 400,
    make: () => build({ body: validEvent(), signature: `sha256=${'z'.repeat(64)}` }),
  },
  {
    name: 'signature truncated to 63 digits',
    status: 400,
    make: () => {
      const body = validEvent();
      const ts = String(now());
      return build({ body, requestId: 'rid-t', timestamp: ts, signature: sig(body, 'rid-t', ts).slice(0, -1) });
    },
  },
  {
    name: 'signature padded to 65 digits',
    status: 400,
    make: () => {
      const body = validEvent();
      const ts = String(now());
      return build({ body, requestId: 'rid-p', timestamp: ts, signature: `${sig(body, 'rid-p', ts)}0` });
    },
  },
  {
    name: 'signature of 128 digits',
    status: 400,
    make: () => build({ body: validEvent(), signature: `sha256=${'a'.repeat(128)}` }),
  },
  { name: 'signature scheme only', status: 400, make: () => build({ body: validEvent(), signature: 'sha256=' }) },
  {
    name: 'signature list (sha256=a,sha256=b)',
    status: 400,
    make: () => build({ body: validEvent(), signature: `sha256=${hex64('a')},sha256=${hex64('b')}` }),
  },
  {
    name: 'signature in base64',
    status: 400,
    make: () => {
      const body = validEvent();
      const ts = String(now());
      const b64 = createHmac('sha256', SIGNING_KEY.slice(6)).update(`rid-b.${ts}.${body}`).digest('base64');
      return build({ body, requestId: 'rid-b', timestamp: ts, signature: `sha256=${b64}` });
    },
  },

  // ---- timestamp out of tolerance, or no key matches → 401
  {
    name: 'timestamp far in the future',
    status: 401,
    make: () => build({ body: validEvent(), timestamp: '99999999999' }),
    message: /future/,
  },
  // a margin of 30 s past the tolerance: the clock ticks between building and checking (the exact
  // edges, 300 and 301 s, are checked on a fixed clock in the signature unit tests)
  {
    name: 'timestamp 330 s old',
    status: 401,
    make: () => build({ body: validEvent(), timestamp: String(now() - 330) }),
    message: /old/,
  },
  {
    name: 'timestamp 330 s ahead',
    status: 401,
    make: () => build({ body: validEvent(), timestamp: String(now() + 330) }),
    message: /future/,
  },
  { name: 'timestamp zero', status: 401, make: () => build({ body: validEvent(), timestamp: '0' }), message: /old/ },
  {
    name: 'signature all zeros',
    status: 401,
    make: () => build({ body: validEvent(), signature: `sha256=${hex64('0')}` }),
    message: /does not match/,
  },
  {
    name: 'signed with another key',
    status: 401,
    make: () => build({ body: validEvent(), key: 'whsec_attacker_key' }),
    message: /does not match/,
  },
  {
    name: 'signature of another body',
    status: 401,
    make: () => build({ body: validEvent(), signedBody: validEvent() }),
  },
  {
    name: 'signature of another request id',
    status: 401,
    make: () => build({ body: validEvent(), signedRequestId: 'other-request' }),
  },
  {
    name: 'signature of another timestamp',
    status: 401,
    make: () => build({ body: validEvent(), signedTimestamp: String(now() - 1) }),
  },
  {
    name: 'signed with the key without removing whsec_',
    status: 401,
    make: () => {
      const body = validEvent();
      const ts = String(now());
      const mac = createHmac('sha256', Buffer.from(SIGNING_KEY, 'utf8')).update(`rid-w.${ts}.${body}`).digest('hex');
      return build({ body, requestId: 'rid-w', timestamp: ts, signature: `sha256=${mac}` });
    },
  },
  {
    name: 'body with a byte appended after signing',
    status: 401,
    make: () => {
      const body = validEvent();
      return build({ body: `${body}\n`, signedBody: body });
    },
  },
  {
    name: 'body truncated after signing',
    status: 401,
    make: () => {
      const body = validEvent();
      return build({ body: body.slice(0, -1), signedBody: body });
    },
  },
  {
    name: 'signed with an empty key',
    status: 401,
    make: () => {
      const body = validEvent();
      const ts = String(now());
      const mac = createHmac('sha256', Buffer.alloc(0)).update(`rid-e.${ts}.${body}`).digest('hex');
      return build({ body, requestId: 'rid-e', timestamp: ts, signature: `sha256=${mac}` });
    },
  },

  // ---- not JSON → 415
  { name: 'no Content-Type', status: 415, make: () => build({ body: validEvent(), contentType: null }) },
  {
    name: 'Content-Type text/plain',
    status: 415,
    make: () => build({ body: validEvent(), contentType: 'text/plain' }),
  },
  {
    name: 'Content-Type form-urlencoded',
    status: 415,
    make: () => build({ body: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' }),
  },
  {
    name: 'Content-Type multipart',
    status: 415,
    make: () => build({ body: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x' }),
  },
  {
    name: 'Content-Type application/xml',
    status: 415,
    make: () => build({ body: '<a/>', contentType: 'application/xml' }),
  },
  {
    name: 'Content-Type application/jsonp',
    status: 415,
    make: () => build({ body: validEvent(), contentType: 'application/jsonp' }),
  },
  { name: 'Content-Type text/json', status: 415, make: () => build({ body: validEvent(), contentType: 'text/json' }) },
  {
    name: 'Content-Type with a Latin-1 byte',
    status: 415,
    make: () => build({ body: validEvent(), contentType: 'application/j\xe9son' }),
  },
  {
    name: 'gzip Content-Encoding',
    status: 415,
    make: () => build({ body: validEvent(), extra: [['Content-Encoding', 'gzip']] }),
  },

  // ---- verified, but not a valid event → 400
  { name: 'empty body', status: 400, make: () => build({ body: '' }), message: /empty/ },
  { name: 'body null', status: 400, make: () => build({ body: 'null' }) },
  { name: 'body an array', status: 400, make: () => build({ body: '[]' }) },
  { name: 'body a number', status: 400, make: () => build({ body: '123' }) },
  { name: 'body a string', status: 400, make: () => build({ body: '"message.received"' }) },
  { name: 'truncated JSON', status: 400, make: () => build({ body: '{"event_type":' }), message: /not valid JSON/ },
  {
    name: 'invalid UTF-8 inside a JSON string',
    status: 400,
    make: () =>
      build({
        body: Buffer.concat([
          Buffer.from('{"event_type":"message.received","x":"'),
          Buffer.from([0xc3, 0x28, 0xff]),
          Buffer.from('"}'),
        ]),
      }),
    message: /UTF-8/,
  },
  { name: 'NUL byte in the body', status: 400, make: () => build({ body: Buffer.from('{"a":1}\u0000') }) },
  {
    name: '50 000 nested arrays',
    status: 400,
    make: () => build({ body: `${'['.repeat(50_000)}${']'.repeat(50_000)}` }),
  },
  {
    name: '200 nested objects inside data',
    status: 400,
    make: () => {
      const event = createInkboxEvent('message.received') as unknown as { data: Record<string, unknown> };
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 200; i++) deep = { a: deep };
      event.data.extra = deep;
      return build({ body: JSON.stringify(event) });
    },
    message: /nested/,
  },
  {
    name: '__proto__ at the top',
    status: 400,
    make: () => build({ body: validEvent().replace(/^\{/, '{"__proto__":{"polluted":true},') }),
    message: /__proto__/,
  },
  {
    name: '__proto__ inside data.message',
    status: 400,
    make: () => build({ body: validEvent().replace('"message":{', '"message":{"__proto__":{"isAdmin":true},') }),
  },
  {
    name: '__proto__ written with unicode escapes',
    status: 400,
    make: () => build({ body: validEvent().replace(/^\{/, '{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true},') }),
  },
  {
    name: 'constructor.prototype',
    status: 400,
    make: () => build({ body: validEvent().replace(/^\{/, '{"constructor":{"prototype":{"polluted":true}},') }),
  },
  {
    name: 'prototype key',
    status: 400,
    make: () => build({ body: validEvent().replace('"data":{', '"data":{"prototype":{"polluted":true},') }),
  },
  {
    name: '__proto__ inside an array element',
    status: 400,
    make: () => build({ body: validEvent().replace('"contacts":[{', '"contacts":[{"__proto__":{"polluted":true},') }),
  },
  {
    name: 'event_type missing',
    status: 400,
    make: () => build({ body: validEvent().replace('"event_type":"message.received",', '') }),
    message: /event_type/,
  },
  {
    name: 'event_type a number',
    status: 400,
    make: () => build({ body: validEvent().replace('"event_type":"message.received"', '"event_type":42') }),
  },
  {
    name: 'data missing',
    status: 400,
    make: () => {
      const { data: _d, ...rest } = createInkboxEvent('message.received');
      return build({ body: JSON.stringify(rest) });
    },
  },
  {
    name: 'data.message missing',
    status: 400,
    make: () =>
      build({
        body: JSON.stringify({
          ...createInkboxEvent('message.received'),
          data: { contacts: [], agent_identities: [] },
        }),
      }),
  },
  {
    name: 'timestamp field a number',
    status: 400,
    make: () => build({ body: validEvent().replace(/"timestamp":"[^"]*"/, '"timestamp":1') }),
  },
  {
    name: '20 000 invalid contacts',
    status: 400,
    make: () => {
      const event = createInkboxEvent('message.received') as unknown as { data: { contacts: unknown[] } };
      event.data.contacts = Array.from({ length: 20_000 }, () => 7);
      return build({ body: JSON.stringify(event) });
    },
  },
  {
    name: '200 000 invalid contacts',
    status: 400,
    make: () => {
      const event = createInkboxEvent('message.received') as unknown as { data: { contacts: unknown[] } };
      event.data.contacts = Array.from({ length: 200_000 }, () => 7);
      return build({ body: JSON.stringify(event) });
    },
  },

  // ---- over the size limit (1 MiB) → 413
  { name: 'body of 1 MiB + 1 byte', status: 413, make: () => build({ body: Buffer.alloc(MiB + 1, 0x20) }) },
  {
    name: 'body of 3 MiB, chunked (no Content-Length)',
    status: 413,
    make: () => build({ body: Buffer.alloc(3 * MiB, 0x7b), chunked: true }),
  },
  {
    name: 'a valid event padded with 2 MiB of whitespace',
    status: 413,
    make: () => build({ body: `${validEvent()}${' '.repeat(2 * MiB)}` }),
  },

  // ---- refused by Node's HTTP parser before the app runs → 400
  {
    name: 'two different Content-Length headers',
    status: 400,
    byNode: true,
    make: () => ({
      path: '/inkbox/webhooks',
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Length', '2'],
        ['Content-Length', '3'],
      ],
      body: Buffer.from('{}'),
    }),
  },
  {
    name: 'Content-Length and chunked together',
    status: 400,
    byNode: true,
    make: () => ({
      path: '/inkbox/webhooks',
      headers: [
        ['Content-Type', 'application/json'],
        ['Content-Length', '2'],
      ],
      body: Buffer.from('{}'),
      chunked: true,
    }),
  },
  {
    name: 'control character in a header',
    status: 400,
    byNode: true,
    make: () => build({ body: validEvent(), requestId: Buffer.from([0x72, 0x01, 0x71]) }),
  },
];

describe('hostile-input corpus over real HTTP', () => {
  let app: INestApplication;
  let port: number;
  let log: CallLog;
  const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const answers = new Map<string, RawResponse>();

  beforeAll(async () => {
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
    log = app.get(CallLog);
    for (const c of CASES) answers.set(c.name, await rawRequest(port, c.make()));
  });
  afterAll(() => app.close());

  it('has at least 60 hostile requests', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const res = answers.get(c.name)!;
    expect({ case: c.name, status: res.status }).toEqual({ case: c.name, status: c.status });
    if (!c.byNode) {
      expect(res.json?.statusCode).toBe(c.status);
      expect(res.json?.message).toBeTruthy();
      if (c.message) expect(String(res.json?.message)).toMatch(c.message);
    }
    expect(res.body).not.toContain(SIGNING_KEY.slice('whsec_'.length));
  });

  it('ran no handler for any of them', () => {
    expect(log.calls).toEqual([]);
  });

  it('left Object.prototype untouched', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    const probe = {} as Record<string, unknown>;
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
  });

  it('still serves: a valid delivery is processed and ordinary routes answer', async () => {
    const body = validEvent();
    const res = await rawRequest(port, build({ body }));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ outcome: 'processed' });
    expect(log.names()).toEqual(['any', 'received']);
    const echo = await rawRequest(port, { method: 'GET', path: '/echo', headers: [] });
    expect(echo.status).toBe(200);
  });
});
