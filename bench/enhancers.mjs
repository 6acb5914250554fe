#!/usr/bin/env node
// Cost of running @OnInkboxEvent handlers through Nest's guards and interceptors.
//
//   node bench/enhancers.mjs          (npm run bench runs it too and puts its figures in the report)
//   node bench/enhancers.mjs --json   the figures as one JSON line at the end
//
// Compares, in the same process and in alternating blocks (median of the blocks, CPU time), one
// handler call made directly, through the pipeline the module builds once at startup (no enhancers;
// one global pass-through interceptor; one guard + the interceptor), and the module's whole
// per-handler path (pipeline, span, timing, debug log). Then puts the pipeline's cost next to the
// time of one signed delivery over loopback HTTP. Runs on the harness's Nest 11 and its build of
// the library (bench/node_modules/nestjs-inkbox), as the servers of the main table do; builds it
// when lib/ changed. Results are indicative on a shared machine.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLibrary, ensureDependencies } from './lib/setup.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const JSON_OUT = process.argv.includes('--json');
const say = JSON_OUT ? (...parts) => console.error(...parts) : (...parts) => console.log(...parts);
ensureDependencies(BENCH, say);
buildLibrary(join(BENCH, '..'), join(BENCH, 'node_modules', 'nestjs-inkbox'), { force: false, log: say });

const require = createRequire(join(BENCH, 'enhancers.mjs'));
require('reflect-metadata');
const { Injectable, Module, UseGuards } = require('@nestjs/common');
const { APP_INTERCEPTOR, NestFactory } = require('@nestjs/core');
const lib = require('nestjs-inkbox');
const { signInkboxWebhook, createInkboxEvent } = require('nestjs-inkbox/testing');
const { InkboxHandlerExplorer } = require('nestjs-inkbox/dist/cjs/handlers/inkbox-handler.explorer.js');
const { InkboxHandlerRunner } = require('nestjs-inkbox/dist/cjs/handlers/inkbox-handler.runner.js');

const ROUNDS = Number(process.env.ROUNDS ?? 9);
/** Each contender's block lasts about this long (CPU time): slow contenders get fewer calls per block. */
const BLOCK_MS = Number(process.env.BLOCK_MS ?? 60);
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
  return { app, handler, instance: app.get(Handlers), runner: app.get(InkboxHandlerRunner) };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** CPU time (user + system) of this process, in ns. */
function cpuNs() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

async function block(fn, calls) {
  const start = cpuNs();
  for (let i = 0; i < calls; i++) await fn();
  return (cpuNs() - start) / calls;
}

/** Calls per block so that one block of `fn` takes about BLOCK_MS of CPU time. */
async function calibrate(fn) {
  await block(fn, 200); // warm-up
  const ns = await block(fn, 500);
  return Math.max(50, Math.round((BLOCK_MS * 1e6) / Math.max(ns, 1)));
}

/** Median wall time of one signed delivery over loopback HTTP, one at a time, in ns. */
async function routeTime(app) {
  await app.listen(0, '127.0.0.1');
  const url = `${await app.getUrl()}/inkbox/webhooks`.replace('[::1]', '127.0.0.1');
  const times = [];
  for (let i = 0; i < 1500; i++) {
    const signed = signInkboxWebhook(createInkboxEvent('message.received'), { signingKey: KEY });
    const t = process.hrtime.bigint();
    const res = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`the delivery was answered ${res.status}`);
    if (i >= 300) times.push(Number(process.hrtime.bigint() - t));
  }
  return median(times);
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
  const calls = {};
  for (const [name, fn] of Object.entries(contenders)) calls[name] = await calibrate(fn);
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    const names = Object.keys(contenders);
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + r) % names.length];
      samples[name].push(await block(contenders[name], calls[name]));
    }
  }
  const ns = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, median(list)]));
  const base = ns['direct call'];
  say(`handler call, CPU ns per call (median of ${ROUNDS} blocks of about ${BLOCK_MS} ms each):`);
  for (const [name, value] of Object.entries(ns))
    say(
      `  ${name.padEnd(34)} ${value.toFixed(0).padStart(7)} ns   ×${(value / base).toFixed(1)}   +${(value - base).toFixed(0)} ns`,
    );

  const routeNs = await routeTime(none.app);
  const cost = ns['pipeline, no enhancers'] - base;
  const costWithInterceptor = ns['pipeline + global interceptor'] - base;
  say(`one signed delivery over loopback HTTP, one at a time (median of 1200): ${(routeNs / 1000).toFixed(0)} µs`);
  say(
    `pipeline cost per handler: ${((cost / routeNs) * 100).toFixed(2)} % of the route; with a global interceptor ${((costWithInterceptor / routeNs) * 100).toFixed(2)} %`,
  );
  for (const a of [none, withInterceptor, withBoth]) await a.app.close();
  if (JSON_OUT) console.log(JSON.stringify({ rounds: ROUNDS, blockMs: BLOCK_MS, ns, routeNs }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
