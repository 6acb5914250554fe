'use strict';
// Benchmark server for queue delivery: `node queue-server.cjs <inline|queue>`, one handler for
// message.received that takes HANDLER_MS (default 1 000 ms). inline: the module's defaults (handlers
// in the request). queue: delivery mode 'queue' on REDIS_URL, role 'all' (receiver and worker in
// this one process). Loads @nestjs/* and bullmq from the project root and the library from
// INKBOX_LIB; prints `{"ready":true,"port":N}`.
require('reflect-metadata');
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

const lib = require(process.env.INKBOX_LIB);
const variant = process.argv[2];
const HANDLER_MS = Number(process.env.HANDLER_MS || 1_000);

class SlowHandler {
  async onReceived() {
    await new Promise((resolve) => setTimeout(resolve, HANDLER_MS));
  }
}
Injectable()(SlowHandler);
Reflect.defineMetadata('design:paramtypes', [], SlowHandler);
lib.OnInkboxEvent('message.received')(
  SlowHandler.prototype,
  'onReceived',
  Object.getOwnPropertyDescriptor(SlowHandler.prototype, 'onReceived'),
);

const options = { signingKey: process.env.BENCH_INKBOX_KEY };
if (variant === 'queue') {
  options.delivery = {
    mode: 'queue',
    redis: { url: process.env.REDIS_URL },
    queueName: process.env.QUEUE_NAME,
    concurrency: 64,
  };
  options.idempotency = {
    store: 'redis',
    redis: { url: process.env.REDIS_URL, keyPrefix: `${process.env.QUEUE_NAME}:idem:` },
  };
} else if (variant !== 'inline') {
  throw new Error(`unknown variant ${variant}`);
}

class AppModule {}
Module({ imports: [lib.InkboxModule.forRoot(options)], providers: [SlowHandler] })(AppModule);

NestFactory.create(AppModule, { logger: ['fatal'] })
  .then(async (app) => {
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    process.stdout.write(`${JSON.stringify({ ready: true, port: app.getHttpServer().address().port })}\n`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
