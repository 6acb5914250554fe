#!/usr/bin/env node
// Load run of queue delivery (`npm run test:load-queue`): bounded and self-stopping, 127.0.0.1 only.
//
// 2 receiver processes and 2 worker processes (the library as built, scripts/load/queue-app.cjs) on one
// redis-server. LOAD_QUEUE_DELIVERIES deliveries (default 20 000): 20 % are duplicates of another event
// (half sent at the same moment as the original, half later), 5 % of the events have a handler that
// fails once (BullMQ retries the job). One worker is killed with SIGKILL mid-run and restarted. Every
// handler records each run and each success in Redis, so the counts survive the killed process.
//
// Reports: deliveries/s accepted, ack latency, lost (a handler of an accepted event never completed),
// doubled (a handler completed twice), peak RSS of each process; exits non-zero on a violation.
// Environment: REDIS_URL (else a redis-server of its own), LOAD_QUEUE_DELIVERIES, LOAD_QUEUE_CONCURRENCY,
// LOAD_SKIP_BUILD=1.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLibraryCjs, childProcesses, redisUrlOrOwn, signedHeaders, sleep } from './lib/run-support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_DIR = join(root, 'node_modules', '.cache', 'nestjs-inkbox-load-queue');
const LIB = join(BUILD_DIR, 'cjs', 'index.js');
const APP = join(root, 'scripts', 'load', 'queue-app.cjs');
const require = createRequire(import.meta.url);
const Redis = require('ioredis');

const CONFIG = {
  deliveries: Number(process.env.LOAD_QUEUE_DELIVERIES || 20_000),
  concurrency: Number(process.env.LOAD_QUEUE_CONCURRENCY || 64),
  duplicateShare: 0.2,
  flakyShare: 0.05,
  handlerMs: 5,
  leaseMs: 3_000,
  workerConcurrency: 32,
  killAtShare: 0.4,
  restartAfterMs: 2_000,
  /** Sending stops after this (the run then checks what was accepted): keeps the run bounded on a slow machine. */
  sendBudgetMs: Number(process.env.LOAD_QUEUE_BUDGET_S || 180) * 1_000,
  drainTimeoutMs: 120_000,
  watchdogMs: 5 * 60_000,
};
const SIGNING_KEY = `whsec_loadq_${randomUUID()}`;
const RUN = randomUUID();
const children = childProcesses();
const violations = [];
const mib = (b) => (b / 1024 / 1024).toFixed(0);

function build() {
  buildLibraryCjs(root, BUILD_DIR, { reuse: process.env.LOAD_SKIP_BUILD === '1', log: (line) => console.log(line) });
}

/** One app process; `peakRss` keeps the highest value it reported. */
async function startApp(name, env) {
  const child = fork(APP, [], {
    cwd: root,
    env: { ...process.env, INKBOX_LIB: LIB, LOAD_KEY: SIGNING_KEY, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.track(child);
  child.on('error', () => undefined); // a send to a process that was just killed
  const app = { name, child, peakRss: 0, agent: new http.Agent({ keepAlive: true, maxSockets: CONFIG.concurrency }) };
  child.on('message', (m) => {
    if (m?.type === 'stats') app.peakRss = Math.max(app.peakRss, m.peakRssBytes);
  });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => reject(new Error(`${name} exited during startup (code ${code})`)));
    child.on('message', (m) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        app.port = m.port;
        app.pid = m.pid;
        resolve();
      }
    });
  });
  return app;
}

const alive = (app) =>
  app.child.exitCode === null && app.child.signalCode === null && app.child.connected && !app.child.killed;

async function stopApp(app) {
  if (!alive(app)) return;
  const exited = new Promise((r) => app.child.once('exit', r));
  app.child.send({ cmd: 'stats' });
  await sleep(100);
  app.child.send({ cmd: 'stop' });
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

const sign = (body) => signedHeaders(body, SIGNING_KEY);

function post(app, body) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port: app.port,
        method: 'POST',
        path: '/inkbox/webhooks',
        headers: sign(body),
        agent: app.agent,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          let outcome;
          try {
            outcome = JSON.parse(Buffer.concat(chunks).toString('utf8')).outcome;
          } catch {
            outcome = undefined;
          }
          resolve({ status: res.statusCode, outcome, ms: performance.now() - started });
        });
      },
    );
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

function makeDeliveries(createInkboxEvent) {
  const unique = Math.round(CONFIG.deliveries / (1 + CONFIG.duplicateShare));
  const flaky = Math.round(unique * CONFIG.flakyShare);
  const events = Array.from({ length: unique }, (_, i) => {
    const type = i < flaky ? 'message.failed' : 'message.received';
    const payload = createInkboxEvent(type);
    return { id: payload.id, type, body: JSON.stringify(payload) };
  });
  const list = events.map((event) => ({ event, sameMoment: false }));
  const duplicates = CONFIG.deliveries - unique;
  for (let i = 0; i < duplicates; i++) {
    const event = events[Math.floor(Math.random() * events.length)];
    list.push({ event, sameMoment: i % 2 === 0 });
  }
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return { events, list, flaky };
}

function pct(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`watchdog: the run took longer than ${CONFIG.watchdogMs / 1000} s; stopping`);
    children.killAll();
    process.exit(1);
  }, CONFIG.watchdogMs);
  watchdog.unref();
  build();
  const url = await redisUrlOrOwn(children);
  const redis = new Redis(url);
  const prefix = `inkbox-loadq:${RUN}`;
  const env = {
    REDIS_URL: url,
    QUEUE_NAME: `inkbox-load-${RUN}`,
    RECORD_PREFIX: prefix,
    IDEM_PREFIX: `${prefix}:idem:`,
    LEASE_MS: String(CONFIG.leaseMs),
    ATTEMPTS: '8',
    BACKOFF_MS: '200',
  };
  const workerEnv = {
    ...env,
    ROLE: 'worker',
    HANDLER_MS: String(CONFIG.handlerMs),
    CONCURRENCY: String(CONFIG.workerConcurrency),
  };
  const receivers = [
    await startApp('receiver-1', { ...env, ROLE: 'receiver' }),
    await startApp('receiver-2', { ...env, ROLE: 'receiver' }),
  ];
  const workers = [await startApp('worker-1', workerEnv), await startApp('worker-2', workerEnv)];
  const sampler = setInterval(
    () => [...receivers, ...workers].forEach((a) => alive(a) && a.child.send({ cmd: 'stats' })),
    1_000,
  );

  const { createInkboxEvent } = createRequire(LIB)('./testing/index.js');
  const { events, list, flaky } = makeDeliveries(createInkboxEvent);
  console.log(
    `${list.length} deliveries: ${events.length} events (${flaky} with a handler failing once), ${list.length - events.length} duplicates; 2 receivers, 2 workers (concurrency ${CONFIG.workerConcurrency}, handlers ${CONFIG.handlerMs} ms, leaseMs ${CONFIG.leaseMs})`,
  );

  const acks = [];
  const outcomes = {};
  let retriesOf503 = 0;
  let sent = 0;
  let killed;
  let restarted;
  const killAt = Math.floor(list.length * CONFIG.killAtShare);
  let budgetHit = false;
  const accepted = new Set();
  const deliver = async (item, index) => {
    for (let attempt = 0; attempt < 30; attempt++) {
      const res = await post(receivers[(index + attempt) % 2], item.event.body);
      if (res.status === 200) {
        accepted.add(item.event.id);
        acks.push(res.ms);
        outcomes[res.outcome] = (outcomes[res.outcome] ?? 0) + 1;
        return;
      }
      retriesOf503++;
      await sleep(50 * (attempt + 1));
    }
    violations.push(`delivery of ${item.event.id} never got a 2xx`);
  };
  const started = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONFIG.concurrency }, async () => {
      while (next < list.length) {
        if (Date.now() - started > CONFIG.sendBudgetMs) {
          budgetHit = true;
          break;
        }
        const index = next++;
        const item = list[index];
        if (
          (index === killAt || (!killed && Date.now() - started > CONFIG.sendBudgetMs * CONFIG.killAtShare)) &&
          !killed
        ) {
          killed = workers[0];
          killed.child.kill('SIGKILL');
          console.log(
            `killed ${killed.name} (pid ${killed.pid}) with SIGKILL after ${index} deliveries; restarting it in ${CONFIG.restartAfterMs} ms`,
          );
          setTimeout(async () => {
            restarted = await startApp('worker-1 (restarted)', workerEnv);
            workers.push(restarted);
          }, CONFIG.restartAfterMs);
        }
        if (item.sameMoment) await Promise.all([deliver(item, index), deliver(item, index + 1)]);
        else await deliver(item, index);
        sent++;
      }
    }),
  );
  const sendSeconds = (Date.now() - started) / 1000;
  if (budgetHit)
    console.log(
      `time budget of ${CONFIG.sendBudgetMs / 1000} s reached: ${sent} of ${list.length} deliveries were sent; checking those (LOAD_QUEUE_BUDGET_S raises it)`,
    );
  const expected = events
    .filter((e) => accepted.has(e.id))
    .flatMap((e) =>
      e.type === 'message.failed' ? [`flaky|${e.id}`, `any|${e.id}`] : [`received|${e.id}`, `any|${e.id}`],
    );
  const drainUntil = Date.now() + CONFIG.drainTimeoutMs;
  let doneCount;
  while (Date.now() < drainUntil) {
    doneCount = await redis.hlen(`${prefix}:done`);
    if (doneCount >= expected.length) break;
    await sleep(500);
  }
  const totalSeconds = (Date.now() - started) / 1000;
  await sleep(1_000);
  const done = await redis.hgetall(`${prefix}:done`);
  const firstBy = await redis.hgetall(`${prefix}:first-done-by`);
  const lost = expected.filter((k) => !done[k]);
  const doubled = Object.entries(done)
    .filter(([, n]) => Number(n) > 1)
    .map(([k]) => k);
  const doubledAfterKill = doubled.filter((k) => firstBy[k]?.startsWith(`${killed?.pid}@`));
  const expectedSet = new Set(expected);
  const extra = Object.keys(done).filter((k) => !expectedSet.has(k));
  clearInterval(sampler);
  [...receivers, ...workers].forEach((a) => alive(a) && a.child.send({ cmd: 'stats' }));
  await sleep(300);
  const counts = await redis
    .multi()
    .llen(`bull:${env.QUEUE_NAME}:wait`)
    .zcard(`bull:${env.QUEUE_NAME}:failed`)
    .zcard(`bull:${env.QUEUE_NAME}:completed`)
    .exec();
  for (const app of [...receivers, ...workers]) await stopApp(app);

  acks.sort((a, b) => a - b);
  console.log(
    `accepted ${acks.length} deliveries in ${sendSeconds.toFixed(1)} s (${(acks.length / sendSeconds).toFixed(0)}/s), outcomes ${JSON.stringify(outcomes)}, 503 retries ${retriesOf503}`,
  );
  console.log(
    `ack latency: p50 ${pct(acks, 50).toFixed(1)} ms, p99 ${pct(acks, 99).toFixed(1)} ms, max ${acks[acks.length - 1]?.toFixed(1)} ms`,
  );
  console.log(
    `all handlers done ${totalSeconds.toFixed(1)} s after the first delivery; BullMQ: waiting ${counts[0][1]}, failed ${counts[1][1]}, completed kept ${counts[2][1]}`,
  );
  console.log(
    `lost ${lost.length}, doubled ${doubled.length - doubledAfterKill.length}, completed in the killed worker and run again (at-least-once edge) ${doubledAfterKill.length}, unexpected ${extra.length}`,
  );
  console.log(`peak RSS: ${[...receivers, ...workers].map((a) => `${a.name} ${mib(a.peakRss)} MiB`).join(', ')}`);
  if (lost.length > 0) violations.push(`${lost.length} handler completions lost (e.g. ${lost.slice(0, 3).join(', ')})`);
  if (doubled.length - doubledAfterKill.length > 0)
    violations.push(
      `${doubled.length - doubledAfterKill.length} handler completions doubled (e.g. ${doubled.slice(0, 3).join(', ')})`,
    );
  if (extra.length > 0) violations.push(`${extra.length} unexpected completions`);
  if (Number(counts[1][1]) > 0) violations.push(`${counts[1][1]} jobs ended in the failed set`);

  const keys = await redis.keys(`${prefix}*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  const queueKeys = await redis.keys(`bull:${env.QUEUE_NAME}:*`);
  for (let i = 0; i < queueKeys.length; i += 1000) await redis.del(...queueKeys.slice(i, i + 1000));
  await redis.quit();
  children.killAll();
  if (violations.length > 0) {
    console.error(`FAILED:\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log('queue load run: OK');
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  children.killAll();
  process.exit(1);
});
