import { VERSION_NEUTRAL, VersioningType, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { createInkboxEvent } from '../../lib/testing';
import { INKBOX_EVENT_TYPES } from '../../lib';
import { CallLog } from '../support/recording-handlers';
import { CLASS_OF, TYPED_HANDLERS } from '../support/event-classes';
import { buildAppModule, createApp } from '../support/apps';
import { sendSigned } from '../support/http';

interface Setup {
  name: string;
  path: string;
  make: () => Promise<INestApplication>;
}

const setups: Setup[] = [
  { name: 'plain NestFactory.create', path: '/inkbox/webhooks', make: () => createApp() },
  { name: 'rawBody: true', path: '/inkbox/webhooks', make: () => createApp({}, { rawBody: true }) },
  { name: 'bodyParser: false', path: '/inkbox/webhooks', make: () => createApp({}, { bodyParser: false }) },
  {
    name: "useBodyParser('json', { limit: '10kb' })",
    path: '/inkbox/webhooks',
    make: () =>
      createApp({}, { bodyParser: false }, (app) =>
        (app as never as { useBodyParser: (t: string, o: object) => void }).useBodyParser('json', { limit: '10kb' }),
      ),
  },
  {
    name: 'global prefix + URI versioning',
    path: '/api/v1/inkbox/webhooks',
    make: () =>
      createApp({}, {}, (app) => {
        app.setGlobalPrefix('api');
        app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
      }),
  },
  {
    name: 'Fastify adapter, global prefix',
    path: '/api/inkbox/webhooks',
    make: async () => {
      const app = await NestFactory.create<NestFastifyApplication>(buildAppModule(), new FastifyAdapter(), {
        logger: false,
      });
      app.setGlobalPrefix('api');
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      return app;
    },
  },
  {
    name: 'Test.createTestingModule',
    path: '/inkbox/webhooks',
    make: async () => {
      const moduleRef = await Test.createTestingModule({ imports: [buildAppModule()] }).compile();
      const app = moduleRef.createNestApplication({ logger: false });
      await app.init();
      return app;
    },
  },
];

describe.each(setups)('webhook receiver — $name', ({ path, make, name }) => {
  let app: INestApplication;
  let log: CallLog;

  beforeAll(async () => {
    app = await make();
    log = app.get(CallLog);
  });
  afterAll(() => app.close());
  beforeEach(() => log.reset());

  it.each(INKBOX_EVENT_TYPES)('delivers %s to its typed handlers as the right class', async (type) => {
    const payload = createInkboxEvent(type, { marker: `sent as ${type}` });
    const res = await sendSigned(app, path, payload);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(log.names()).toEqual(['any', ...TYPED_HANDLERS[type]].sort());
    for (const call of log.calls) {
      expect(call.className).toBe(CLASS_OF[type]);
      expect(JSON.parse(JSON.stringify(call.event))).toEqual(payload);
      expect(call.event).toMatchObject({ id: payload.id, event_type: type, marker: `sent as ${type}` });
      expect(call.delivery.eventKey).toBe(payload.id);
    }
  });

  it('keeps the normal parsing of the app’s other routes', async () => {
    if (name.includes('bodyParser: false') && !name.includes('useBodyParser')) {
      const res = await request(app.getHttpServer()).post('/echo').send({ a: 1 });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({});
      return;
    }
    const res = await request(app.getHttpServer()).post(path.replace('inkbox/webhooks', 'echo')).send({ a: 1 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ body: { a: 1 } });
  });

  it('rejects a forged delivery with 401 and runs nothing', async () => {
    const res = await sendSigned(app, path, createInkboxEvent('message.bounced'), { key: 'whsec_someone_else' });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/does not match/);
    expect(log.calls).toHaveLength(0);
  });
});

describe('webhook receiver — version option', () => {
  it('VERSION_NEUTRAL keeps the route unversioned under URI versioning', async () => {
    const app = await createApp({ inkbox: { version: VERSION_NEUTRAL } }, {}, (a) =>
      a.enableVersioning({ type: VersioningType.URI, defaultVersion: '2' }),
    );
    try {
      const res = await sendSigned(app, '/inkbox/webhooks', createInkboxEvent('message.sent'));
      expect(res.status).toBe(200);
      expect(app.get(CallLog).names()).toEqual(['any', 'sent']);
      const echo = await request(app.getHttpServer()).get('/v2/echo');
      expect(echo.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('a custom webhookPath with a global prefix', async () => {
    const app = await createApp({ inkbox: { webhookPath: '/hooks/inkbox/' } }, {}, (a) => a.setGlobalPrefix('/svc'));
    try {
      expect((await sendSigned(app, '/svc/hooks/inkbox', createInkboxEvent('message.sent'))).status).toBe(200);
      expect((await sendSigned(app, '/svc/inkbox/webhooks', createInkboxEvent('message.sent'))).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
