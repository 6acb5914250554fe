'use strict';
// One benchmark server per process: `node server.cjs <variant>`. Listens on an ephemeral port of
// 127.0.0.1 and prints one JSON line `{"ready":true,"port":N}`. Decorators are applied by hand
// (plain JavaScript, as compiled TypeScript would apply them).
//
//   ceiling      bare Nest app, rawBody: true, the POST route only answers 200
//   hand-rolled  bare Nest route: HMAC over req.rawBody, timing-safe compare, JSON.parse, one handler call
//   ours         nestjs-inkbox with default options and one @OnInkboxEvent('message.received') handler
//   ours-cv      the same, with the parser switched to class-transformer + class-validator on every
//                request (the path before the compiled validator), to compare in the same run
//   peer         @golevelup/nestjs-stripe with one @StripeWebhookHandler('payment_intent.succeeded')
//   ceiling-fastify, ours-fastify   ceiling and ours on @nestjs/platform-fastify
//   ours-redis   ours with the Redis idempotency store on BENCH_REDIS_URL; the commands it sends
//                are counted (GET /__bench/stats: redisCommands)
// and, for diagnosis only (never in the main table):
//   ours-no-idempotency   ours with `idempotency: false` (no in-memory store)
//   ours-json-only        ours with the parse step replaced by JSON.parse onto the class, no validation
//   ours-build-only       ours with the parse step's instance builder but no validation
//
// GET /__bench/stats answers the handler count (and the idempotency store size for ours), so the
// harness can check that every variant did what it claims.
const { createRequire } = require('node:module');
const { join } = require('node:path');
// --nest12: load @nestjs/* from the project root (Nest 12) and the library from the given build
const load = process.env.BENCH_NEST_ROOT ? createRequire(join(process.env.BENCH_NEST_ROOT, 'package.json')) : require;
const LIBRARY = process.env.BENCH_LIBRARY
  ? join(process.env.BENCH_LIBRARY, 'dist', 'cjs', 'index.js')
  : 'nestjs-inkbox';
const LIBRARY_PARSER = process.env.BENCH_LIBRARY
  ? join(process.env.BENCH_LIBRARY, 'dist', 'cjs', 'events', 'inkbox-event.parser.js')
  : 'nestjs-inkbox/dist/cjs/events/inkbox-event.parser.js';
load('reflect-metadata');
const { createHmac, timingSafeEqual } = require('node:crypto');
const {
  BadRequestException,
  Controller,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
  Query,
  Req,
  UnauthorizedException,
} = load('@nestjs/common');
const { NestFactory } = load('@nestjs/core');

const variant = process.argv[2];
const INKBOX_KEY = process.env.BENCH_INKBOX_KEY;
const STRIPE_SECRET = process.env.BENCH_STRIPE_SECRET;
const BODY_LIMIT = '1mb'; // the 256 KiB bodies exceed Express's default 100 kB; nestjs-inkbox defaults to 1 MiB
const PROCESSED = { outcome: 'processed' };

function decorateMethod(cls, name, decorators) {
  const descriptor = Reflect.decorate(
    decorators,
    cls.prototype,
    name,
    Object.getOwnPropertyDescriptor(cls.prototype, name),
  );
  Object.defineProperty(cls.prototype, name, descriptor);
}
function decorateParam(cls, name, index, decorator) {
  decorator(cls.prototype, name, index);
}
function decorateClass(cls, decorators, paramTypes = []) {
  Reflect.defineMetadata('design:paramtypes', paramTypes, cls);
  return Reflect.decorate(decorators, cls);
}

/** The one handler every variant calls: it counts, so the harness can check it ran. */
class Handler {
  constructor() {
    this.handled = 0;
  }
  onEvent(_event) {
    this.handled++;
  }
}

const HANDLER = 'BENCH_HANDLER';
const STATS = 'BENCH_STATS';

class StatsController {
  constructor(handler, stats) {
    this.handler = handler;
    this.stats = stats;
  }
  read(query) {
    // ?gc=1 (with node --expose-gc): collect first, so heapUsed is the live heap
    if (query && query.gc && typeof global.gc === 'function') global.gc();
    const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
    return {
      variant,
      handled: this.handler.handled,
      memory: { rss, heapUsed, heapTotal, external, arrayBuffers },
      ...this.stats(),
    };
  }
}
decorateMethod(StatsController, 'read', [Get('stats')]);
decorateParam(StatsController, 'read', 0, Query());
decorateClass(StatsController, [Controller('__bench')]);
Inject(HANDLER)(StatsController, undefined, 0);
Inject(STATS)(StatsController, undefined, 1);

function statsProviders(handlerClass, stats = () => ({})) {
  return [handlerClass, { provide: HANDLER, useExisting: handlerClass }, { provide: STATS, useValue: stats }];
}

/** The HTTP adapter of a variant: Express (Nest's default) or Fastify with the same body limit. */
function adapterFor(fastify) {
  if (!fastify) return undefined;
  const { FastifyAdapter } = load('@nestjs/platform-fastify');
  return new FastifyAdapter({ bodyLimit: 1024 * 1024 });
}

async function create(module, options, fastify) {
  const adapter = adapterFor(fastify);
  return adapter ? NestFactory.create(module, adapter, options) : NestFactory.create(module, options);
}

/**
 * An ioredis client that counts the commands the store sends through it (each `eval`/`evalsha`
 * call is one round-trip; a NOSCRIPT retry counts as a second one).
 */
function countingRedis(counter) {
  const Redis = createRequire(join(__dirname, '..', '..', 'package.json'))('ioredis');
  const client = new Redis(process.env.BENCH_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false });
  for (const method of ['eval', 'evalsha']) {
    const original = client[method].bind(client);
    client[method] = (...args) => {
      counter.redisCommands++;
      return original(...args);
    };
  }
  return client;
}

async function ceiling(fastify = false) {
  class CeilingController {
    receive() {
      return PROCESSED;
    }
  }
  decorateMethod(CeilingController, 'receive', [Post(), HttpCode(200)]);
  decorateClass(CeilingController, [Controller('inkbox/webhooks')]);
  class CeilingHandler extends Handler {}
  decorateClass(CeilingHandler, [Injectable()]);
  class AppModule {}
  decorateClass(AppModule, [
    Module({ controllers: [CeilingController, StatsController], providers: statsProviders(CeilingHandler) }),
  ]);
  const app = await create(AppModule, { rawBody: true, logger: ['error', 'warn'] }, fastify);
  if (!fastify) app.useBodyParser('json', { limit: BODY_LIMIT }); // Fastify: bodyLimit is set on the adapter
  return app;
}

async function handRolled() {
  const keyBytes = Buffer.from(INKBOX_KEY.replace(/^whsec_/, ''), 'utf8');
  class HandRolledHandler extends Handler {}
  decorateClass(HandRolledHandler, [Injectable()]);
  class HandRolledController {
    constructor(handler) {
      this.handler = handler;
    }
    receive(req) {
      const requestId = req.headers['x-inkbox-request-id'];
      const timestamp = req.headers['x-inkbox-timestamp'];
      const signature = req.headers['x-inkbox-signature'];
      if (
        typeof requestId !== 'string' ||
        typeof timestamp !== 'string' ||
        typeof signature !== 'string' ||
        !signature.startsWith('sha256=')
      ) {
        throw new BadRequestException('missing or malformed signature headers');
      }
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300)
        throw new UnauthorizedException('timestamp outside tolerance');
      const expected = Buffer.from(signature.slice(7), 'hex');
      const actual = createHmac('sha256', keyBytes).update(`${requestId}.${timestamp}.`).update(req.rawBody).digest();
      if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
        throw new UnauthorizedException('bad signature');
      const event = JSON.parse(req.rawBody.toString('utf8'));
      this.handler.onEvent(event);
      return PROCESSED;
    }
  }
  decorateMethod(HandRolledController, 'receive', [Post(), HttpCode(200)]);
  decorateParam(HandRolledController, 'receive', 0, Req());
  decorateClass(HandRolledController, [Controller('inkbox/webhooks')], [HandRolledHandler]);
  class AppModule {}
  decorateClass(AppModule, [
    Module({ controllers: [HandRolledController, StatsController], providers: statsProviders(HandRolledHandler) }),
  ]);
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: ['error', 'warn'] });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  return app;
}

async function ours(classValidatorPath, diagnosis = {}) {
  const stats = { parsedByClassValidator: 0, redisCommands: 0 };
  const idempotency = diagnosis.noIdempotency
    ? false
    : diagnosis.redis
      ? { store: 'redis', redis: { client: countingRedis(stats) } }
      : undefined;
  if (diagnosis.buildOnly) {
    // Diagnosis only: the fast builder of the event classes, no validation.
    const parser = require(LIBRARY_PARSER);
    const { buildInstance } = require(LIBRARY_PARSER.replace('inkbox-event.parser.js', 'inkbox-event.transformer.js'));
    const { MessageReceivedEvent } = require(LIBRARY);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const limits = { maxDepth: 64 };
    parser.parseInkboxEvent = (raw) => buildInstance(MessageReceivedEvent, JSON.parse(decoder.decode(raw)), limits);
  }
  if (diagnosis.jsonOnly) {
    // Diagnosis only: no validation at all, JSON.parse onto the event class (the floor of the parse step).
    const parser = require(LIBRARY_PARSER);
    const { MessageReceivedEvent } = require(LIBRARY);
    parser.parseInkboxEvent = (raw) => Object.assign(new MessageReceivedEvent(), JSON.parse(raw.toString('utf8')));
  }
  if (classValidatorPath) {
    // The module's controller reads the parser through this module's exports object at each call.
    const parser = require(LIBRARY_PARSER);
    const reference = parser.parseInkboxEventWithClassValidator;
    if (typeof reference !== 'function') throw new Error('this build has no parseInkboxEventWithClassValidator');
    parser.parseInkboxEvent = (raw) => {
      stats.parsedByClassValidator++;
      return reference(raw);
    };
  }
  const { InkboxModule, OnInkboxEvent } = require(LIBRARY);
  class InkboxHandler extends Handler {
    onEvent(event) {
      super.onEvent(event);
    }
  }
  decorateMethod(InkboxHandler, 'onEvent', [OnInkboxEvent('message.received')]);
  decorateClass(InkboxHandler, [Injectable()]);
  let app;
  const storeSize = () => {
    try {
      return { storeSize: app.get(Symbol.for('nestjs-inkbox:idempotency-store'), { strict: false })?.size };
    } catch {
      return {};
    }
  };
  class AppModule {}
  decorateClass(AppModule, [
    Module({
      imports: [
        InkboxModule.forRoot({ signingKey: INKBOX_KEY, ...(idempotency !== undefined ? { idempotency } : {}) }),
      ],
      controllers: [StatsController],
      providers: statsProviders(InkboxHandler, () => ({ ...stats, ...storeSize() })),
    }),
  ]);
  app = await create(AppModule, { logger: ['error', 'warn'] }, diagnosis.fastify);
  return app;
}

async function peer() {
  const { StripeModule, StripeWebhookHandler } = require('@golevelup/nestjs-stripe');
  class StripeHandler extends Handler {
    onEvent(event) {
      super.onEvent(event);
    }
  }
  decorateMethod(StripeHandler, 'onEvent', [StripeWebhookHandler('payment_intent.succeeded')]);
  decorateClass(StripeHandler, [Injectable()]);
  class AppModule {}
  decorateClass(AppModule, [
    Module({
      imports: [
        StripeModule.forRoot({
          apiKey: 'sk_test_bench_not_used',
          webhookConfig: { stripeSecrets: { accountTest: STRIPE_SECRET }, requestBodyProperty: 'rawBody' },
        }),
      ],
      controllers: [StatsController],
      providers: statsProviders(StripeHandler),
    }),
  ]);
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: ['error', 'warn'] });
  app.useBodyParser('json', { limit: BODY_LIMIT });
  return app;
}

const FACTORIES = {
  ceiling: () => ceiling(false),
  'ceiling-fastify': () => ceiling(true),
  'ours-fastify': () => ours(false, { fastify: true }),
  'ours-redis': () => ours(false, { redis: true }),
  'hand-rolled': handRolled,
  ours: () => ours(false),
  'ours-cv': () => ours(true),
  // diagnosis variants (--variants=…): what the steps after the signature check cost
  'ours-no-idempotency': () => ours(false, { noIdempotency: true }),
  'ours-json-only': () => ours(false, { jsonOnly: true }),
  'ours-build-only': () => ours(false, { buildOnly: true }),
  peer,
};

/**
 * With BENCH_CPU_PROFILE=<file>: SIGUSR2 starts V8's sampling profiler (after the warm-up, so
 * start-up and compilation stay out of the profile); SIGTERM writes the profile to <file>.
 */
function profileOnSignal(file) {
  if (!file) return () => Promise.resolve();
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) =>
      session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  let started;
  process.on('SIGUSR2', () => {
    started = post('Profiler.enable')
      .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
      .then(() => post('Profiler.start'));
  });
  return async () => {
    if (!started) return;
    await started;
    const { profile } = await post('Profiler.stop');
    require('node:fs').writeFileSync(file, JSON.stringify(profile));
  };
}

async function main() {
  const factory = FACTORIES[variant];
  if (!factory) throw new Error(`unknown variant "${variant}"; one of ${Object.keys(FACTORIES).join(', ')}`);
  if (!INKBOX_KEY || !STRIPE_SECRET) throw new Error('BENCH_INKBOX_KEY and BENCH_STRIPE_SECRET must be set');
  const app = await factory();
  const stopProfile = profileOnSignal(process.env.BENCH_CPU_PROFILE);
  process.once('SIGTERM', () => {
    stopProfile()
      .then(() => app.close())
      .finally(() => process.exit(0));
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
