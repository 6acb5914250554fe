import { Body, Controller, type INestApplication, Module, Post, Put, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { gzipSync } from 'node:zlib';
import { InkboxModule } from '../../lib';
import { createInkboxEvent, signInkboxWebhook } from '../../lib/testing';
import { listen, rawRequest, type RawResponse } from './raw-http';

const KEY = 'whsec_differential';

/** The app's own routes, some of them ending like the webhook route. */
@Controller()
class AppRoutes {
  @Post('echo')
  echo(@Body() body: unknown) {
    return { route: 'echo', body: body ?? null };
  }

  @Post('users/inkbox/webhooks')
  suffix(@Body() body: unknown) {
    return { route: 'suffix', body: body ?? null };
  }

  @Put('inkbox/webhooks')
  put(@Body() body: unknown) {
    return { route: 'put', body: body ?? null };
  }
}

function appModule(withInkbox: boolean): Type<unknown> {
  @Module({ imports: withInkbox ? [InkboxModule.forRoot({ signingKey: KEY })] : [], controllers: [AppRoutes] })
  class AppModule {}
  return AppModule;
}

type Adapter = 'express' | 'fastify';

async function makeApp(adapter: Adapter, withInkbox: boolean, testingModule: boolean): Promise<INestApplication> {
  if (testingModule) {
    const ref = await Test.createTestingModule({ imports: [appModule(withInkbox)] }).compile();
    return adapter === 'fastify'
      ? ref.createNestApplication(new FastifyAdapter(), { logger: false })
      : ref.createNestApplication({ logger: false });
  }
  return adapter === 'fastify'
    ? NestFactory.create(appModule(withInkbox), new FastifyAdapter(), { logger: false })
    : NestFactory.create(appModule(withInkbox), { logger: false });
}

const json = JSON.stringify({ hello: 'world', n: 1 });
const bodies: Array<{ name: string; type: string; body: Buffer; headers?: Record<string, string> }> = [
  { name: 'valid JSON', type: 'application/json', body: Buffer.from(json) },
  { name: 'invalid JSON', type: 'application/json', body: Buffer.from('{"hello": ') },
  {
    name: 'JSON over every limit (1.2 MB)',
    type: 'application/json',
    body: Buffer.from(JSON.stringify({ pad: 'x'.repeat(1_200_000) })),
  },
  { name: 'gzip JSON', type: 'application/json', body: gzipSync(json), headers: { 'content-encoding': 'gzip' } },
  { name: 'JSON in latin1', type: 'application/json; charset=latin1', body: Buffer.from('{"caf\xe9": 1}', 'latin1') },
  { name: '+json type', type: 'application/merge-patch+json', body: Buffer.from(json) },
  { name: 'form body', type: 'application/x-www-form-urlencoded', body: Buffer.from('a=1&b=two') },
  {
    name: '__proto__ key',
    type: 'application/json',
    body: Buffer.from('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'),
  },
];
const targets: Array<{ method: string; path: string }> = [
  { method: 'POST', path: '/echo' },
  { method: 'POST', path: '/users/inkbox/webhooks' },
  { method: 'POST', path: '/echo#/inkbox/webhooks' },
  { method: 'POST', path: '/echo?next=/inkbox/webhooks' },
  { method: 'POST', path: '/users/INKBOX/Webhooks' },
  { method: 'POST', path: '/users/inkbox/%77ebhooks' },
  { method: 'POST', path: '/users/inkbox/webhooks/' },
  { method: 'PUT', path: '/inkbox/webhooks' },
];

/** Fresh, well-formed Inkbox headers (the signature is wrong): a capture that looked only at headers would act. */
function inkboxHeaders(): Record<string, string> {
  const signed = signInkboxWebhook('{}', { signingKey: 'whsec_someone_else' });
  const { 'Content-Type': _ignored, ...rest } = signed.headers as Record<string, string>;
  return rest;
}

async function sendAll(port: number): Promise<string[]> {
  const results: string[] = [];
  for (const target of targets) {
    for (const b of bodies) {
      const res: RawResponse = await rawRequest(
        port,
        target.method,
        target.path,
        { 'content-type': b.type, ...inkboxHeaders(), ...b.headers },
        b.body,
      );
      results.push(`${target.method} ${target.path} [${b.name}] → ${res.status} ${res.body}`);
    }
  }
  return results;
}

describe.each<[Adapter, boolean]>([
  ['express', false],
  ['fastify', false],
  ['express', true],
  ['fastify', true],
])(
  'differential: the app’s other routes answer the same with and without InkboxModule (%s, Test.createTestingModule: %s)',
  (adapter, testingModule) => {
    let without: INestApplication;
    let withModule: INestApplication;
    let portWithout: number;
    let portWith: number;

    beforeAll(async () => {
      without = await makeApp(adapter, false, testingModule);
      withModule = await makeApp(adapter, true, testingModule);
      portWithout = await listen(without);
      portWith = await listen(withModule);
    });
    afterAll(async () => {
      await without?.close();
      await withModule?.close();
    });

    it(`sends ${targets.length * bodies.length} requests and gets identical statuses and bodies`, async () => {
      const expected = await sendAll(portWithout);
      const actual = await sendAll(portWith);
      expect(expected.length).toBeGreaterThanOrEqual(40);
      expect(actual).toEqual(expected);
      // the app's parser really ran on the suffix route (not the module's reader)
      expect(expected.some((line) => line.startsWith('POST /users/inkbox/webhooks [invalid JSON] → 400'))).toBe(true);
      expect(
        expected.some((line) => line.startsWith('POST /users/inkbox/webhooks [JSON over every limit (1.2 MB)] → 413')),
      ).toBe(true);
    });

    it('a URL the router decodes to the webhook route is captured or refused with a 4xx, never a 500', async () => {
      const event = createInkboxEvent('message.received');
      const signed = signInkboxWebhook(event, { signingKey: KEY });
      for (const path of [
        '/inkbox/%77ebhooks',
        '/inkbox/webhooks#x',
        '/inkbox/webhooks?a=/inkbox/webhooks',
        '/INKBOX/webhooks',
        '/inkbox/webhooks/',
      ]) {
        const res = await rawRequest(portWith, 'POST', path, signed.headers, signed.body);
        expect([200, 400, 404]).toContain(res.status);
        expect(res.body).not.toMatch(/rawBody/);
      }
      // the exact path is the webhook route on both adapters
      const exact = await rawRequest(portWith, 'POST', '/inkbox/webhooks', signed.headers, signed.body);
      expect(exact.status).toBe(200);
    });
  },
);
