'use strict';
// Benchmark server for queue delivery: `node queue-server.cjs <variant>`. Listens on an ephemeral
// port of 127.0.0.1 and prints `{"ready":true,"port":N}`.
//
//   inline    the module's defaults (handlers in the request), one message.received handler taking
//             HANDLER_MS (default 1 000 ms)                                  (npm run bench:queue)
//   queue     the same handler, delivery mode 'queue' on REDIS_URL, role 'all' (receiver and worker
//             in this one process)                                           (npm run bench:queue)
//   receiver  delivery mode 'queue', role 'receiver': the route only, no handler runs (bench/run.mjs)
//   worker    delivery mode 'queue', role 'worker': no route, runs a handler that only counts
//             (bench/run.mjs)
//
// Queue modes use the queue QUEUE_NAME and keep their idempotency keys under `<QUEUE_NAME>:idem:`,
// otherwise the module's defaults. GET /__bench/stats answers how many times the handler ran, how
// many webhook deliveries (POST) were served (answered, or closed by the client first), and how many round-trips to Redis this process
// made: every command the ioredis clients send (the module's and BullMQ's own connections) counts
// one, a pipeline or MULTI … EXEC one in all.
//
// Nest is loaded from BENCH_NEST_ROOT when set (bench:queue: the project's Nest 12), else from the
// harness's own dependencies (Nest 11); the library from INKBOX_LIB (a built index.js), else the
// harness's build (`nestjs-inkbox`); bullmq and ioredis from where the library finds them.
const { createRequire } = require('node:module');
const { join } = require('node:path');

const load = process.env.BENCH_NEST_ROOT ? createRequire(join(process.env.BENCH_NEST_ROOT, 'package.json')) : require;
const LIBRARY = process.env.INKBOX_LIB || 'nestjs-inkbox';
const variant = process.argv[2];
const HANDLER_MS = Number(process.env.HANDLER_MS || 1_000);
if (!['inline', 'queue', 'receiver', 'worker'].includes(variant)) throw new Error(`unknown variant ${variant}`);

/**
 * Counts round-trips to Redis: wraps `sendCommand` of every ioredis copy the library or BullMQ
 * loads. ioredis sends each command of a pipeline (and of MULTI … EXEC) through `sendCommand`
 * with one shared stream object, written out at once: that stream counts once.
 */
function countRedisRoundTrips() {
  const counter = { roundTrips: 0 };
  const fromLibrary = createRequire(require.resolve(LIBRARY));
  const requires = [fromLibrary];
  try {
    requires.push(createRequire(fromLibrary.resolve('bullmq')));
  } catch {
    // no bullmq: inline only
  }
  const patched = new Set();
  for (const from of requires) {
    let Redis;
    try {
      Redis = from('ioredis');
    } catch {
      continue;
    }
    const proto = (Redis.default ?? Redis).prototype;
    if (patched.has(proto)) continue;
    patched.add(proto);
    const original = proto.sendCommand;
    const pipelines = new WeakSet();
    proto.sendCommand = function sendCommand(command, stream, node) {
      if (!stream?.isPipeline) counter.roundTrips++;
      else if (!pipelines.has(stream)) {
        pipelines.add(stream);
        counter.roundTrips++;
      }
      return original.call(this, command, stream, node);
    };
  }
  return counter;
}

const redis = countRedisRoundTrips();
const http = { answered: 0 };
load('reflect-metadata');
const { Controller, Get, Injectable, Module } = load('@nestjs/common');
const { NestFactory } = load('@nestjs/core');
const lib = require(LIBRARY);

class Handler {
  constructor() {
    this.handled = 0;
  }
  async onReceived() {
    this.handled++;
    if (variant === 'inline' || variant === 'queue') await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
  }
}
Injectable()(Handler);
Reflect.defineMetadata('design:paramtypes', [], Handler);
lib.OnInkboxEvent('message.received')(
  Handler.prototype,
  'onReceived',
  Object.getOwnPropertyDescriptor(Handler.prototype, 'onReceived'),
);

class StatsController {
  constructor(handler) {
    this.handler = handler;
  }
  read() {
    return { variant, handled: this.handler.handled, answered: http.answered, redisRoundTrips: redis.roundTrips };
  }
}
Get('stats')(StatsController.prototype, 'read', Object.getOwnPropertyDescriptor(StatsController.prototype, 'read'));
Reflect.defineMetadata('design:paramtypes', [Handler], StatsController);
Controller('__bench')(StatsController);

const options = { signingKey: process.env.BENCH_INKBOX_KEY };
if (variant !== 'inline') {
  options.delivery = {
    mode: 'queue',
    redis: { url: process.env.REDIS_URL },
    queueName: process.env.QUEUE_NAME,
    ...(variant === 'queue' ? { concurrency: 64 } : {}),
  };
  options.idempotency = {
    store: 'redis',
    redis: { url: process.env.REDIS_URL, keyPrefix: `${process.env.QUEUE_NAME}:idem:` },
  };
  if (variant === 'receiver' || variant === 'worker') options.role = variant;
}

class AppModule {}
Module({ imports: [lib.InkboxModule.forRoot(options)], controllers: [StatsController], providers: [Handler] })(
  AppModule,
);

NestFactory.create(AppModule, { logger: ['fatal'] })
  .then(async (app) => {
    app.enableShutdownHooks();
    app.getHttpServer().on('request', (req, res) => {
      // 'close' also when the client went away first: the delivery is served (and queued) all the same
      if (req.method === 'POST') res.once('close', () => http.answered++);
    });
    await app.listen(0, '127.0.0.1');
    process.stdout.write(`${JSON.stringify({ ready: true, port: app.getHttpServer().address().port })}\n`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
