#!/usr/bin/env node
// Cost of running @OnInkboxEvent handlers through Nest's guards and interceptors.
//
//   npm run build && node bench/enhancers.mjs
//
// Compares, in the same process and in alternating blocks (median of the blocks), one handler
// call made directly, through the pipeline the module builds once at startup (no enhancers; one
// global pass-through interceptor; one guard + the interceptor), and the module's whole per-handler
// path (pipeline, span, timing, debug log). Then puts the pipeline's cost next to the time of one
// signed delivery over loopback HTTP. Results are indicative on a shared machine.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { Injectable, Module, UseGuards } = require('@nestjs/common');
const { APP_INTERCEPTOR, NestFactory } = require('@nestjs/core');
const lib = require('../dist/cjs/index.js');
const { signInkboxWebhook, createInkboxEvent } = require('../dist/cjs/testing/index.js');
const { InkboxHandlerExplorer } = require('../dist/cjs/handlers/inkbox-handler.explorer.js');

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const BLOCK = Number(process.env.BLOCK ?? 20_000);
const KEY = 'whsec_bench_enhancers';

class PassThrough {
  intercept(_context, next) {
    return next.handle();
  }
}
Injectable()(PassThrough);
class Allow {
  canActivate() {
    return true;
  }
}
Injectable()(Allow);

function handlerClass(guarded) {
  class Handlers {
    plain(event) {
      return event.id;
    }
  }
  const descriptor = Object.getOwnPropertyDescriptor(Handlers.prototype, 'plain');
  lib.OnInkboxEvent('message.received')(Handlers.prototype, 'plain', descriptor);
  if (guarded) UseGuards(Allow)(Handlers.prototype, 'plain', descriptor);
  Injectable()(Handlers);
  return Handlers;
}

async function makeApp({ interceptor, guarded }) {
  const Handlers = handlerClass(guarded);
  class AppModule {}
  const providers = [Handlers, ...(interceptor ? [{ provide: APP_INTERCEPTOR, useClass: PassThrough }] : [])];
  Module({ imports: [lib.InkboxModule.forRoot({ signingKey: KEY, idempotency: false })], providers })(AppModule);
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.init();
  const handler = app.get(InkboxHandlerExplorer).handlersFor('message.received')[0];
  return { app, handler, instance: app.get(Handlers), runner: app.get(lib.InkboxHandlerRunner) };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

async function block(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < BLOCK; i++) await fn();
  return Number(process.hrtime.bigint() - start) / BLOCK;
}

async function main() {
  const event = lib.parseInkboxEvent(Buffer.from(JSON.stringify(createInkboxEvent('message.received'))));
  const delivery = { requestId: 'req', eventKey: event.id, params: {} };
  const none = await makeApp({});
  const withInterceptor = await makeApp({ interceptor: true });
  const withBoth = await makeApp({ interceptor: true, guarded: true });
  const contenders = {
    'direct call': () => none.instance.plain(event, delivery),
    'pipeline, no enhancers': () => none.handler.invoke(event, delivery),
    'pipeline + global interceptor': () => withInterceptor.handler.invoke(event, delivery),
    'pipeline + guard + interceptor': () => withBoth.handler.invoke(event, delivery),
    'whole per-handler path (runner)': () => none.runner.run(none.handler, event, delivery),
  };
  for (const fn of Object.values(contenders)) await block(fn); // warm-up
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const names = Object.keys(contenders);
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      samples[name].push(await block(contenders[name]));
    }
  }
  const base = median(samples['direct call']);
  console.log(`handler call, ns per call (median of ${ROUNDS} blocks of ${BLOCK}):`);
  for (const [name, list] of Object.entries(samples)) {
    const ns = median(list);
    console.log(
      `  ${name.padEnd(34)} ${ns.toFixed(0).padStart(7)} ns   ×${(ns / base).toFixed(1)}   +${(ns - base).toFixed(0)} ns`,
    );
  }

  // one delivery over loopback HTTP, sequential, on the app without enhancers
  await none.app.listen(0, '127.0.0.1');
  const url = `${await none.app.getUrl()}/inkbox/webhooks`.replace('[::1]', '127.0.0.1');
  const deliveries = 1500;
  const times = [];
  for (let i = 0; i < deliveries; i++) {
    const signed = signInkboxWebhook(createInkboxEvent('message.received'), { signingKey: KEY });
    const t = process.hrtime.bigint();
    const res = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
    await res.arrayBuffer();
    if (i >= 300) times.push(Number(process.hrtime.bigint() - t));
  }
  const route = median(times);
  const cost = median(samples['pipeline, no enhancers']) - base;
  const costI = median(samples['pipeline + global interceptor']) - base;
  console.log(`one signed delivery over loopback HTTP (median of ${times.length}): ${(route / 1000).toFixed(0)} µs`);
  console.log(
    `pipeline cost per handler: ${((cost / route) * 100).toFixed(2)} % of the route; with a global interceptor ${((costI / route) * 100).toFixed(2)} %`,
  );
  for (const a of [none, withInterceptor, withBoth]) await a.app.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
