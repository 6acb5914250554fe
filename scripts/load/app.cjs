'use strict';
// One app instance for the load run: a real Nest app on 127.0.0.1 with the library as built, three
// counting handlers, and an IPC channel through which the driver reads the counts and the memory.
//
// Environment: INKBOX_LIB (path of the built index.js), LOAD_KEY, STORE ('memory' | 'redis' | 'off'),
// REDIS_URL, KEY_PREFIX, ON_STORE_ERROR ('closed' | 'open'), LEASE_MS. STORE=off turns idempotency off
// (the driver's self-check: its counting must then see the doubles).
require('reflect-metadata');
const { Injectable, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

const lib = require(process.env.INKBOX_LIB);
// an internal token, not part of the public API: read from the built constants beside the entry point
const { INKBOX_IDEMPOTENCY_STORE } = require(
  require('node:path').join(require('node:path').dirname(process.env.INKBOX_LIB), 'inkbox.constants.js'),
);

/** `${handler}\t${eventKey}` → [invocations, successes] */
const counts = new Map();
/** Event keys the flaky handler has already failed once for, in this process. */
const failedOnce = new Set();

function record(handler, key, ok) {
  const id = `${handler}\t${key}`;
  let entry = counts.get(id);
  if (!entry) counts.set(id, (entry = [0, 0]));
  entry[0]++;
  if (ok) entry[1]++;
}

/** A short, random asynchronous pause, so that concurrent deliveries really overlap. */
function work() {
  const r = Math.random();
  return r < 0.5
    ? new Promise((resolve) => setImmediate(resolve))
    : new Promise((resolve) => setTimeout(resolve, Math.floor(r * 4)));
}

class LoadHandlers {
  async received(_event, delivery) {
    await work();
    record('received', delivery.eventKey, true);
  }

  async any(_event, delivery) {
    await work();
    record('any', delivery.eventKey, true);
  }

  /** Fails the first time it sees an event (in this process), succeeds afterwards. */
  async flaky(_event, delivery) {
    await work();
    if (!failedOnce.has(delivery.eventKey)) {
      failedOnce.add(delivery.eventKey);
      record('flaky', delivery.eventKey, false);
      throw new Error('injected failure (fails once)');
    }
    record('flaky', delivery.eventKey, true);
  }
}
// Decorators applied by hand (this file is plain JavaScript).
Injectable()(LoadHandlers);
Reflect.defineMetadata('design:paramtypes', [], LoadHandlers);
const method = (name) => Object.getOwnPropertyDescriptor(LoadHandlers.prototype, name);
lib.OnInkboxEvent('message.received')(LoadHandlers.prototype, 'received', method('received'));
lib.OnInkboxEvent('*')(LoadHandlers.prototype, 'any', method('any'));
lib.OnInkboxEvent('message.failed')(LoadHandlers.prototype, 'flaky', method('flaky'));

function idempotencyOptions() {
  if (process.env.STORE === 'off') return false;
  const base = {
    leaseMs: Number(process.env.LEASE_MS || 30_000),
    onStoreError: process.env.ON_STORE_ERROR || 'closed',
  };
  if (process.env.STORE === 'redis')
    return { ...base, store: 'redis', redis: { url: process.env.REDIS_URL, keyPrefix: process.env.KEY_PREFIX } };
  return { ...base, store: 'memory' };
}

class AppModule {}
Module({
  imports: [lib.InkboxModule.forRoot({ signingKey: process.env.LOAD_KEY, idempotency: idempotencyOptions() })],
  providers: [LoadHandlers],
})(AppModule);

async function main() {
  const app = await NestFactory.create(AppModule, { logger: ['fatal'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address();
  const store = app.get(INKBOX_IDEMPOTENCY_STORE, { strict: false });

  process.on('message', async (message) => {
    if (message?.cmd === 'stats') {
      if (typeof global.gc === 'function') global.gc();
      const rows = [];
      for (const [id, [invocations, successes]] of counts) {
        const tab = id.indexOf('\t');
        rows.push([id.slice(0, tab), id.slice(tab + 1), invocations, successes]);
      }
      const memory = process.memoryUsage();
      process.send({
        type: 'stats',
        rows,
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        storeSize: typeof store?.size === 'number' ? store.size : null,
      });
    } else if (message?.cmd === 'stop') {
      await app.close();
      process.exit(0);
    }
  });
  process.send({ type: 'ready', port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
