'use strict';
// One app process in queue mode, for the queue tests and the queue load run: a real Nest app with the
// library as built, three handlers that record every run and every success in Redis (so a driver can
// count across processes, including processes it killed), and an IPC channel (ready, stats, stop).
//
// Environment: INKBOX_LIB (built index.js), LOAD_KEY, ROLE ('all' | 'receiver' | 'worker'), REDIS_URL,
// QUEUE_NAME, RECORD_PREFIX, LEASE_MS, ATTEMPTS, BACKOFF_MS, CONCURRENCY, HANDLER_MS (each handler
// sleeps this long), IDEM_PREFIX (idempotency key prefix).
require('reflect-metadata');
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const Redis = require('ioredis');

const lib = require(process.env.INKBOX_LIB);
const env = process.env;
const PREFIX = env.RECORD_PREFIX || 'inkbox-load';
const HANDLER_MS = Number(env.HANDLER_MS || 0);
const recorder = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts a run (before the work) or a success (after it): HINCRBY <prefix>:runs|done <handler>|<eventKey>. */
async function record(kind, handler, delivery) {
  const field = `${handler}|${delivery.eventKey}`;
  if (kind === 'done')
    await recorder
      .multi()
      .hincrby(`${PREFIX}:done`, field, 1)
      .hset(`${PREFIX}:done-by`, field, String(process.pid))
      .hsetnx(`${PREFIX}:first-done-by`, field, `${process.pid}@${Date.now()}`)
      .exec();
  else await recorder.hincrby(`${PREFIX}:runs`, field, 1);
}

async function work(handler, delivery) {
  await record('run', handler, delivery);
  if (HANDLER_MS > 0) await sleep(HANDLER_MS);
}

class QueueLoadHandlers {
  async received(_event, delivery) {
    await work('received', delivery);
    await record('done', 'received', delivery);
  }

  async any(_event, delivery) {
    await work('any', delivery);
    await record('done', 'any', delivery);
  }

  /** Fails the first time any process runs it for an event, then succeeds. */
  async flaky(_event, delivery) {
    await work('flaky', delivery);
    if ((await recorder.set(`${PREFIX}:failed-once:${delivery.eventKey}`, '1', 'NX')) === 'OK')
      throw new Error('injected failure (fails once)');
    await record('done', 'flaky', delivery);
  }
}
Injectable()(QueueLoadHandlers);
Reflect.defineMetadata('design:paramtypes', [], QueueLoadHandlers);
const method = (name) => Object.getOwnPropertyDescriptor(QueueLoadHandlers.prototype, name);
lib.OnInkboxEvent('message.received')(QueueLoadHandlers.prototype, 'received', method('received'));
lib.OnInkboxEvent('*')(QueueLoadHandlers.prototype, 'any', method('any'));
lib.OnInkboxEvent('message.failed')(QueueLoadHandlers.prototype, 'flaky', method('flaky'));

class AppModule {}
Module({
  imports: [
    lib.InkboxModule.forRoot({
      signingKey: env.LOAD_KEY,
      role: env.ROLE || 'all',
      delivery: {
        mode: 'queue',
        redis: { url: env.REDIS_URL },
        queueName: env.QUEUE_NAME || 'inkbox',
        leaseMs: Number(env.LEASE_MS || 30_000),
        attempts: Number(env.ATTEMPTS || 8),
        backoffMs: Number(env.BACKOFF_MS || 1_000),
        concurrency: Number(env.CONCURRENCY || 8),
      },
      idempotency: {
        store: 'redis',
        redis: { url: env.REDIS_URL, keyPrefix: env.IDEM_PREFIX || 'inkbox:idem:' },
        leaseMs: Number(env.LEASE_MS || 30_000),
      },
    }),
  ],
  providers: [QueueLoadHandlers],
})(AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, {
    logger: env.APP_LOG === '1' ? ['error', 'warn', 'log'] : ['fatal'],
  });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  process.on('message', async (message) => {
    if (message?.cmd === 'stats') {
      process.send({
        type: 'stats',
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        rssBytes: process.memoryUsage().rss,
      });
    } else if (message?.cmd === 'stop') {
      await app.close();
      await recorder.quit();
      process.exit(0);
    }
  });
  process.send?.({ type: 'ready', port, pid: process.pid });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
