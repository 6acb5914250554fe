import {
  Controller,
  Injectable,
  Module,
  Post,
  Scope,
  UseGuards,
  UseInterceptors,
  Body,
  type INestApplication,
  type NestApplicationOptions,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import request from 'supertest';
import {
  InkboxEvent,
  InkboxModule,
  InkboxEventInterceptor,
  InkboxRawBodyInterceptor,
  InkboxSignatureGuard,
  InkboxWebhookEvent,
  MessageBouncedEvent,
  MessageReceivedEvent,
  OnInkboxEvent,
  type InkboxModuleOptions,
} from '../../lib';
import { resolveInkboxOptions } from '../../lib/options/inkbox-options';
import { createInkboxEvent } from '../../lib/testing';
import { SIGNING_KEY, sendSigned } from '../support/http';

const PATH = '/inkbox/webhooks';

@Injectable()
class Seen {
  readonly events: Array<[string, InkboxEvent]> = [];
}

@Injectable()
class BounceHandler {
  constructor(private readonly seen: Seen) {}
  @OnInkboxEvent('message.bounced')
  onBounce(event: MessageBouncedEvent) {
    this.seen.events.push(['BounceHandler', event]);
  }
}

async function start(module: new () => unknown, options: NestApplicationOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: false, abortOnError: false, ...options });
  await app.init();
  return app;
}

describe('forRootAsync', () => {
  it('useFactory with ConfigService, and webhookPath given beside the factory', async () => {
    @Module({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ INKBOX_SIGNING_KEY: SIGNING_KEY })] }),
        InkboxModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          webhookPath: 'hooks/mail',
          useFactory: (config: ConfigService) => ({ signingKey: config.getOrThrow<string>('INKBOX_SIGNING_KEY') }),
        }),
      ],
      providers: [Seen, BounceHandler],
    })
    class AppModule {}
    const app = await start(AppModule);
    try {
      const event = createInkboxEvent('message.bounced');
      const res = await sendSigned(app, '/hooks/mail', event);
      expect(res.body).toEqual({ outcome: 'processed' });
      expect(app.get(Seen).events.map(([h, e]) => [h, e.id, e.constructor.name])).toEqual([
        ['BounceHandler', event.id, 'MessageBouncedEvent'],
      ]);
    } finally {
      await app.close();
    }
  });

  it('useClass and useExisting', async () => {
    @Injectable()
    class InkboxConfig {
      createInkboxOptions(): InkboxModuleOptions {
        return { signingKey: [SIGNING_KEY, 'whsec_other'] };
      }
    }
    @Module({ providers: [InkboxConfig], exports: [InkboxConfig] })
    class ConfigHolder {}

    @Module({ imports: [InkboxModule.forRootAsync({ useClass: InkboxConfig })], providers: [Seen, BounceHandler] })
    class WithClass {}
    @Module({
      imports: [InkboxModule.forRootAsync({ imports: [ConfigHolder], useExisting: InkboxConfig })],
      providers: [Seen, BounceHandler],
    })
    class WithExisting {}

    for (const module of [WithClass, WithExisting]) {
      const app = await start(module);
      try {
        const res = await sendSigned(app, PATH, createInkboxEvent('message.bounced'), { key: 'whsec_other' });
        expect(res.body).toEqual({ outcome: 'processed' });
        expect(app.get(Seen).events).toHaveLength(1);
      } finally {
        await app.close();
      }
    }
  });

  it('a factory that returns webhookPath is refused with a message saying where it belongs', async () => {
    @Module({
      imports: [
        InkboxModule.forRootAsync({
          useFactory: () => ({ signingKey: SIGNING_KEY, webhookPath: 'x' }) as InkboxModuleOptions,
        }),
      ],
    })
    class AppModule {}
    await expect(start(AppModule)).rejects.toThrow(/pass them next to useFactory/);
  });
});

describe('option validation', () => {
  it.each([
    [{}, /signingKey option is required/],
    [{ signingKey: '' }, /signingKey option is required/],
    [{ signingKey: ['whsec_a', ''] }, /signingKey must be a non-empty string/],
    [{ signingKey: 'k', toleranceSeconds: -1 }, /toleranceSeconds must be a whole number of 0 or more/],
    [{ signingKey: 'k', maxBodyBytes: 1.5 }, /maxBodyBytes must be a whole number/],
    [{ signingKey: 'k', apiBaseUrl: 'inkbox.ai' }, /apiBaseUrl must be an absolute http\(s\) URL/],
    [{ signingKey: 'k', idempotency: { store: 'redis' } }, /needs idempotency.redis.client/],
    [{ signingKey: 'k', idempotency: { onStoreError: 'maybe' } }, /onStoreError must be 'closed'/],
    [{ signingKey: 'k', webhookApi: 'graphql' }, /webhookApi must be 'subscriptions'/],
    [{ signingKey: 'k', idempotency: { leaseMs: 0 } }, /idempotency.leaseMs must be a whole number of 1 or more/],
    [{ signingKey: 'k', idempotency: { maxEntries: 0 } }, /idempotency.maxEntries must be a whole number of 1 or more/],
  ] as Array<[object, RegExp]>)('%j', (options, message) => {
    expect(() => resolveInkboxOptions(options as InkboxModuleOptions)).toThrow(message);
  });

  it('refuses a webhook path that is empty', () => {
    expect(() => InkboxModule.forRoot({ signingKey: 'k', webhookPath: '/' })).toThrow(
      /webhookPath must be a non-empty path/,
    );
  });
});

describe('guard + interceptor on a route of your own', () => {
  @Controller('my')
  class MyController {
    received: InkboxEvent[] = [];
    viaBody: unknown[] = [];

    @Post('inkbox')
    @UseGuards(InkboxSignatureGuard)
    @UseInterceptors(InkboxEventInterceptor)
    receive(@InkboxWebhookEvent() event: InkboxEvent, @Body() body: unknown) {
      this.received.push(event);
      this.viaBody.push(body);
      return { ok: true };
    }
  }
  @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })], controllers: [MyController] })
  class AppModule {}

  it('verifies and parses exactly the signed bytes (needs rawBody: true for a route outside the module)', async () => {
    const app = await start(AppModule, { rawBody: true });
    try {
      const event = createInkboxEvent('message.received');
      const res = await sendSigned(app, '/my/inkbox', event);
      expect(res.status).toBe(201);
      const ctrl = app.get(MyController);
      expect(ctrl.received[0]).toBeInstanceOf(MessageReceivedEvent);
      expect(ctrl.received[0]!.id).toBe(event.id);
      expect(ctrl.viaBody[0]).toBe(ctrl.received[0]);
      expect((await sendSigned(app, '/my/inkbox', event, { key: 'whsec_nope' })).status).toBe(401);
      const bad = await sendSigned(app, '/my/inkbox', { event_type: 'message.sent' });
      expect(bad.status).toBe(400);
      expect(ctrl.received).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('without rawBody: true the guard answers 500 with the fix in words', async () => {
    const app = await start(AppModule);
    try {
      const res = await sendSigned(app, '/my/inkbox', createInkboxEvent('message.received'));
      expect(res.status).toBe(500);
      expect(res.body.message).toMatch(/rawBody: true/);
    } finally {
      await app.close();
    }
  });

  it('is subclassable: a guard choosing its keys per request', async () => {
    @Injectable()
    class TenantGuard extends InkboxSignatureGuard {
      protected override getSigningKeys() {
        return ['whsec_tenant'];
      }
    }
    @Controller('tenant')
    class TenantController {
      @Post()
      @UseGuards(TenantGuard)
      @UseInterceptors(InkboxRawBodyInterceptor)
      receive(@InkboxWebhookEvent() event: InkboxEvent) {
        return { type: event.event_type };
      }
    }
    @Module({
      imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })],
      controllers: [TenantController],
      providers: [TenantGuard],
    })
    class TenantModule {}
    const app = await start(TenantModule, { rawBody: true });
    try {
      expect(
        (await sendSigned(app, '/tenant', createInkboxEvent('message.sent'), { key: 'whsec_tenant' })).body,
      ).toEqual({ type: 'message.sent' });
      expect((await sendSigned(app, '/tenant', createInkboxEvent('message.sent'))).status).toBe(401);
    } finally {
      await app.close();
    }
  });
});

describe('handler discovery', () => {
  it('an aliased provider (useExisting) fires once', async () => {
    @Module({
      imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })],
      providers: [Seen, BounceHandler, { provide: 'ALIAS', useExisting: BounceHandler }],
    })
    class AppModule {}
    const app = await start(AppModule);
    try {
      await sendSigned(app, PATH, createInkboxEvent('message.bounced'));
      expect(app.get(Seen).events).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('a handler on a request-scoped provider stops startup with a clear message', async () => {
    @Injectable({ scope: Scope.REQUEST })
    class Scoped {
      @OnInkboxEvent('message.sent')
      onSent() {}
    }
    @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })], providers: [Scoped] })
    class AppModule {}
    await expect(start(AppModule)).rejects.toThrow(/Scoped\.onSent has @OnInkboxEvent but Scoped is request-scoped/);
  });

  it('rejects an empty event list at decoration time', () => {
    expect(() => OnInkboxEvent([] as never)).toThrow(/needs an event type/);
  });
});

describe('event-emitter bridge (emitEvents: true)', () => {
  @Injectable()
  class Listener {
    readonly got: string[] = [];
    fail = false;
    @OnEvent('inkbox.message.*', { suppressErrors: false })
    onAny(event: InkboxEvent) {
      this.got.push(event.event_type);
      if (this.fail) throw new Error('listener failed');
    }
  }
  @Module({
    imports: [
      EventEmitterModule.forRoot({ wildcard: true }),
      InkboxModule.forRoot({ signingKey: SIGNING_KEY, emitEvents: true }),
    ],
    providers: [Listener],
  })
  class AppModule {}

  it('emits inkbox.<event_type> with emitAsync; a failing listener makes the delivery fail', async () => {
    const app = await start(AppModule);
    try {
      const listener = app.get(Listener);
      expect((await sendSigned(app, PATH, createInkboxEvent('message.delivered'))).body).toEqual({
        outcome: 'processed',
      });
      expect(listener.got).toEqual(['message.delivered']);
      listener.fail = true;
      const res = await sendSigned(app, PATH, createInkboxEvent('message.failed'));
      expect(res.status).toBe(500);
      expect(res.body.message).toMatch(/EventEmitter2:inkbox\.message\.failed failed/);
    } finally {
      await app.close();
    }
  });

  it('answers ignored when neither a handler nor a listener takes the event', async () => {
    @Module({
      imports: [
        EventEmitterModule.forRoot({ wildcard: true }),
        InkboxModule.forRoot({ signingKey: SIGNING_KEY, emitEvents: true }),
      ],
    })
    class Quiet {}
    const app = await start(Quiet);
    try {
      expect((await sendSigned(app, PATH, createInkboxEvent('message.sent'))).body).toEqual({ outcome: 'ignored' });
    } finally {
      await app.close();
    }
  });

  it('refuses to start when EventEmitterModule is missing', async () => {
    @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY, emitEvents: true })] })
    class NoEmitter {}
    await expect(start(NoEmitter)).rejects.toThrow(/import EventEmitterModule\.forRoot\(\)/);
  });
});

describe('isGlobal', () => {
  it('lets another module use InkboxSignatureGuard without importing InkboxModule', async () => {
    @Controller('g')
    class G {
      @Post()
      @UseGuards(InkboxSignatureGuard)
      ok() {
        return { ok: true };
      }
    }
    @Module({ controllers: [G] })
    class Feature {}
    @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY, isGlobal: true }), Feature] })
    class AppModule {}
    const app = await start(AppModule, { rawBody: true });
    try {
      expect((await sendSigned(app, '/g', createInkboxEvent('message.sent'))).status).toBe(201);
      expect(
        (await request(app.getHttpServer()).post('/g').set('Content-Type', 'application/json').send('{}')).status,
      ).toBe(400);
    } finally {
      await app.close();
    }
  });
});

describe('other routes whose path ends like the webhook route', () => {
  @Controller('partner/inkbox/webhooks')
  class PartnerController {
    @Post()
    receive(@Body() body: unknown) {
      return { body };
    }
  }
  @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY })], controllers: [PartnerController] })
  class AppModule {}

  it('keep their parsed JSON and form bodies', async () => {
    const app = await start(AppModule);
    try {
      const json = await request(app.getHttpServer())
        .post('/partner/inkbox/webhooks')
        .send({ a: 1, b: ['x'] });
      expect([json.status, json.body]).toEqual([201, { body: { a: 1, b: ['x'] } }]);
      const form = await request(app.getHttpServer()).post('/partner/inkbox/webhooks').type('form').send('a=1&b=two');
      expect([form.status, form.body]).toEqual([201, { body: { a: '1', b: 'two' } }]);
      // the module's own route is unaffected
      expect((await sendSigned(app, PATH, createInkboxEvent('message.sent'))).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
