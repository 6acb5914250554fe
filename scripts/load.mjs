#!/usr/bin/env node
// Load and fault runs for the delivery guarantees (`npm run test:load`). Bounded and self-stopping;
// prints a summary and exits non-zero on any violation.
//
//   1. memory   20 000 signed deliveries at concurrency 200 to one app (in-memory store): 20 %
//               duplicates (half of them concurrent with the original), 5 % to a handler that fails
//               once and are retried until 2xx. Every handler execution is counted per event.
//   2. redis    the same against two app processes sharing one redis-server, duplicates and
//               retries spread across both.
//   3. outage   a redis-server this script starts is killed mid-run: the fail-closed app must answer
//               503 and run nothing for the deliveries it could not protect, then process them
//               exactly once when Redis is back; the fail-open app keeps processing, unprotected.
//   4. store    a million events through the in-memory store: its memory stays flat at the bound.
//   0. selfcheck  the same counting against an app with idempotency off must find the doubles.
//
// Options (environment): REDIS_URL (the shared redis-server for run 2; without it the script starts
// its own), LOAD_DELIVERIES, LOAD_CONCURRENCY, LOAD_ONLY=selfcheck,memory,redis,outage,store, LOAD_SKIP_BUILD=1.
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildLibraryCjs,
  childProcesses,
  freePort,
  killRedisServer,
  signedHeaders,
  sleep,
  startRedisServer,
} from './lib/run-support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_DIR = join(root, 'node_modules', '.cache', 'nestjs-inkbox-load');
const LIB = join(BUILD_DIR, 'cjs', 'index.js');
const APP = join(root, 'scripts', 'load', 'app.cjs');
const MEMORY_BOUND = join(root, 'scripts', 'load', 'memory-bound.cjs');

const CONFIG = {
  deliveries: Number(process.env.LOAD_DELIVERIES || 20_000),
  concurrency: Number(process.env.LOAD_CONCURRENCY || 200),
  duplicateShare: 0.2,
  concurrentShareOfDuplicates: 0.5,
  flakyShare: 0.05,
  maxAttempts: 60,
  /** Bound on each app process's peak resident memory during a 20 000-delivery run. */
  peakRssBoundMiB: 320,
  /** Bound on what the in-memory store retains at its default bound of 100 000 events. */
  storeRetainedBoundMiB: 64,
  outageEvents: { before: 500, during: 1_500, killAfter: 300, openApp: 200 },
  watchdogMs: 9 * 60_000,
};
const ONLY = new Set((process.env.LOAD_ONLY || 'selfcheck,memory,redis,outage,store').split(',').map((s) => s.trim()));
const SIGNING_KEY = `whsec_load_${randomUUID()}`;
const WEBHOOK_PATH = '/inkbox/webhooks';

const violations = [];
const children = childProcesses();
const summaries = [];

const debug = process.env.LOAD_DEBUG === '1' ? (...args) => console.error('[debug]', ...args) : () => undefined;

function violation(scenario, message) {
  violations.push(`[${scenario}] ${message}`);
}

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1).replace(/^-0\.0$/, '0.0');

// ------------------------------------------------------------------ build and processes

function build() {
  buildLibraryCjs(root, BUILD_DIR, { reuse: process.env.LOAD_SKIP_BUILD === '1', log: (line) => console.log(line) });
}

const track = (child) => children.track(child);
const stopAll = () => children.killAll();

/** Starts one app process; resolves once it listens. */
async function startApp(name, env) {
  const child = track(
    fork(APP, [], {
      cwd: root,
      env: { ...process.env, INKBOX_LIB: LIB, LOAD_KEY: SIGNING_KEY, ...env },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited during startup (code ${code})`));
    });
    child.on('message', (m) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve(m.port);
      }
    });
  });
  const stats = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not report its counts`)), 30_000);
      const onMessage = (m) => {
        if (m?.type !== 'stats') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.send({ cmd: 'stats' });
    });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ cmd: 'stop' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { name, port, stats, stop, agent: new http.Agent({ keepAlive: true, maxSockets: CONFIG.concurrency }) };
}

const startRedis = (port) => startRedisServer(port, children);
const killRedis = killRedisServer;

// ------------------------------------------------------------------ deliveries

const requireFromBuild = createRequire(LIB);

/** Payloads like Inkbox's: a message.received, or a message.failed (its handler fails once). */
function makeEvents(count, flakyCount) {
  const { createInkboxEvent } = requireFromBuild('./testing/index.js');
  const events = [];
  for (let i = 0; i < count; i++) {
    const type = i < flakyCount ? 'message.failed' : 'message.received';
    const payload = createInkboxEvent(type);
    events.push({ id: payload.id, type, body: JSON.stringify(payload) });
  }
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  return events;
}

const sign = (body) => signedHeaders(body, SIGNING_KEY);

/** Limits the number of HTTP requests in flight. */
class Semaphore {
  constructor(permits) {
    this.permits = permits;
    this.waiting = [];
  }
  async acquire() {
    if (this.permits > 0) {
      this.permits--;
      return;
    }
    await new Promise((resolve) => this.waiting.push(resolve));
  }
  release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.permits++;
  }
}

function post(app, body) {
  return new Promise((resolve) => {
    const req = http.request(
      { host: '127.0.0.1', port: app.port, method: 'POST', path: WEBHOOK_PATH, headers: sign(body), agent: app.agent },
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
          resolve({ status: res.statusCode, outcome });
        });
        res.on('error', () => resolve({ status: 0 }));
      },
    );
    req.on('error', () => resolve({ status: 0 }));
    req.end(body);
  });
}

const RETRYABLE = new Set([0, 409, 500, 503]);

/**
 * One delivery as Inkbox makes it: attempts until a 2xx (re-signed each time), bounded. With
 * several apps, each retry goes to the next app (a load balancer). `deferOn503` ends the delivery
 * on a 503 instead of retrying (used while Redis is down).
 */
async function deliver(run, event, apps, firstApp, options = {}) {
  const statuses = [];
  let index = firstApp;
  for (let attempt = 0; attempt < CONFIG.maxAttempts; attempt++) {
    await run.limit.acquire();
    let res;
    try {
      res = await post(apps[index % apps.length], event.body);
    } finally {
      run.limit.release();
    }
    statuses.push(res.status);
    run.attempts++;
    run.statusCounts[res.status] = (run.statusCounts[res.status] ?? 0) + 1;
    if (res.status >= 200 && res.status < 300) {
      run.outcomes[res.outcome] = (run.outcomes[res.outcome] ?? 0) + 1;
      return { ok: true, statuses, outcome: res.outcome };
    }
    if (options.deferOn503 && res.status === 503) return { ok: false, deferred: true, statuses };
    if (!RETRYABLE.has(res.status)) {
      violation(run.name, `event ${event.id}: unexpected status ${res.status}`);
      return { ok: false, statuses };
    }
    index++;
    await sleep(Math.min(200, 5 * 2 ** Math.min(attempt, 6)) + Math.random() * 10);
  }
  violation(
    run.name,
    `event ${event.id}: no 2xx after ${CONFIG.maxAttempts} attempts (${statuses.slice(-5).join(', ')} …)`,
  );
  return { ok: false, statuses };
}

function newRun(name, concurrency = CONFIG.concurrency) {
  return { name, limit: new Semaphore(concurrency), attempts: 0, statusCounts: {}, outcomes: {}, planned: 0 };
}

/** Runs `jobs` (async functions) with at most `workers` at a time. */
async function pool(jobs, workers) {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++];
      await job();
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, jobs.length) }, worker));
}

// ------------------------------------------------------------------ checks

const EXPECTED = { 'message.received': ['received', 'any'], 'message.failed': ['flaky', 'any'] };

/** Sums the apps' counts: key → handler → { invocations, successes }. */
function merge(statsList) {
  const byKey = new Map();
  for (const stats of statsList) {
    for (const [handler, key, invocations, successes] of stats.rows) {
      let handlers = byKey.get(key);
      if (!handlers) byKey.set(key, (handlers = new Map()));
      const c = handlers.get(handler) ?? { invocations: 0, successes: 0 };
      c.invocations += invocations;
      c.successes += successes;
      handlers.set(handler, c);
    }
  }
  return byKey;
}

/** Exactly once per event and handler: zero lost, zero doubles. Returns handler calls counted. */
function checkExactlyOnce(scenario, events, statsList, maxFailuresPerEvent) {
  const counts = merge(statsList);
  const known = new Set(events.map((e) => e.id));
  let calls = 0;
  let failures = 0;
  let lost = 0;
  let doubles = 0;
  for (const event of events) {
    const handlers = counts.get(event.id) ?? new Map();
    for (const handler of EXPECTED[event.type]) {
      const c = handlers.get(handler) ?? { invocations: 0, successes: 0 };
      calls += c.invocations;
      failures += c.invocations - c.successes;
      if (c.successes === 0) {
        lost++;
        violation(scenario, `event ${event.id}: handler ${handler} never completed (lost)`);
      } else if (c.successes > 1) {
        doubles++;
        violation(scenario, `event ${event.id}: handler ${handler} completed ${c.successes} times (double)`);
      }
      const failed = c.invocations - c.successes;
      if (handler !== 'flaky' && failed !== 0)
        violation(scenario, `event ${event.id}: handler ${handler} failed ${failed} times (never told to)`);
      if (handler === 'flaky' && (failed < 1 || failed > maxFailuresPerEvent)) {
        violation(
          scenario,
          `event ${event.id}: the fails-once handler failed ${failed} times (expected 1..${maxFailuresPerEvent})`,
        );
      }
    }
    for (const handler of handlers.keys()) {
      if (!EXPECTED[event.type].includes(handler))
        violation(scenario, `event ${event.id}: unexpected handler ${handler} ran`);
    }
  }
  for (const key of counts.keys())
    if (!known.has(key)) violation(scenario, `handlers ran for an event that was never sent (${key})`);
  return { calls, failures, lost, doubles };
}

function checkMemory(scenario, statsList) {
  for (const [i, stats] of statsList.entries()) {
    if (stats.peakRssBytes > CONFIG.peakRssBoundMiB * 1024 * 1024) {
      violation(
        scenario,
        `app ${i + 1}: peak RSS ${mib(stats.peakRssBytes)} MiB is over the bound of ${CONFIG.peakRssBoundMiB} MiB`,
      );
    }
  }
}

// ------------------------------------------------------------------ scenarios

/** Runs 1 and 2: the planned deliveries against `apps`, then the exactly-once check. */
async function deliveryRun(name, apps, total = CONFIG.deliveries) {
  const duplicates = Math.round(total * CONFIG.duplicateShare);
  const unique = total - duplicates;
  const flaky = Math.round(total * CONFIG.flakyShare);
  const concurrentDuplicates = Math.round(duplicates * CONFIG.concurrentShareOfDuplicates);
  const events = makeEvents(unique, flaky);
  const run = newRun(name);
  run.planned = total;
  const lateDuplicateProblems = [];

  // Events 0..duplicates-1 (shuffled) get one duplicate each: the first ones sent together with
  // the original (concurrent), the others after the original was answered 2xx (late).
  const jobs = events.map((event, i) => {
    const home = i % apps.length;
    if (i < concurrentDuplicates) {
      return async () => {
        await Promise.all([deliver(run, event, apps, home), deliver(run, event, apps, home + 1)]);
      };
    }
    if (i < duplicates) {
      return async () => {
        const first = await deliver(run, event, apps, home);
        if (!first.ok) return;
        const late = await deliver(run, event, apps, home + 1);
        if (!(late.statuses.length === 1 && late.statuses[0] === 200 && late.outcome === 'duplicate')) {
          lateDuplicateProblems.push(event.id);
          violation(
            name,
            `event ${event.id}: a duplicate sent after the event was processed got ${late.statuses.join(', ')} (${late.outcome}) instead of 200 "duplicate"`,
          );
        }
      };
    }
    return () => deliver(run, event, apps, home);
  });

  const started = Date.now();
  await pool(jobs, CONFIG.concurrency);
  const seconds = (Date.now() - started) / 1000;
  const statsList = await Promise.all(apps.map((app) => app.stats()));
  const counted = checkExactlyOnce(name, events, statsList, apps.length);
  checkMemory(name, statsList);
  const expectedCalls = events.reduce((n, e) => n + EXPECTED[e.type].length, 0) + counted.failures;
  if (counted.calls !== expectedCalls)
    violation(name, `handler calls counted ${counted.calls}, expected ${expectedCalls}`);
  summaries.push({
    name,
    lines: [
      `apps: ${apps.length} process(es), store: ${name === 'memory' ? 'in-memory' : 'redis (shared)'}`,
      `deliveries planned: ${total} (${unique} events, ${duplicates} duplicates: ${concurrentDuplicates} concurrent with the original, ${duplicates - concurrentDuplicates} after it)`,
      `failures injected: ${flaky} events whose handler fails once (${counted.failures} failed executions across the run), retried until 2xx`,
      `HTTP attempts: ${run.attempts} in ${seconds.toFixed(1)} s (${Math.round(run.attempts / seconds)}/s, concurrency ${CONFIG.concurrency}); statuses ${JSON.stringify(run.statusCounts)}`,
      `2xx outcomes: ${JSON.stringify(run.outcomes)}`,
      `handler calls counted: ${counted.calls} = ${counted.calls - counted.failures} successful (one per event and handler) + ${counted.failures} injected failures; lost ${counted.lost}, doubles ${counted.doubles}`,
      `late duplicates answered 200 "duplicate" on first try: ${duplicates - concurrentDuplicates - lateDuplicateProblems.length}/${duplicates - concurrentDuplicates}`,
      ...statsList.map(
        (s, i) =>
          `app ${i + 1}: peak RSS ${mib(s.peakRssBytes)} MiB (bound ${CONFIG.peakRssBoundMiB} MiB), heap after GC ${mib(s.heapUsedBytes)} MiB` +
          (s.storeSize === null ? '' : `, events remembered ${s.storeSize}`),
      ),
    ],
  });
}

async function runMemory() {
  const app = await startApp('app (memory store)', { STORE: 'memory' });
  try {
    await deliveryRun('memory', [app]);
  } finally {
    await app.stop();
  }
}

/**
 * The counting must not be vacuous: with idempotency turned off, the same kind of run must show
 * doubles. Its findings are expected and kept out of the violations.
 */
async function runSelfCheck() {
  const app = await startApp('app (idempotency off)', { STORE: 'off' });
  const before = violations.length;
  try {
    await deliveryRun('selfcheck', [app], 2_000);
  } finally {
    await app.stop();
  }
  const found = violations.splice(before);
  const doubles = found.filter((v) => v.includes('(double)')).length;
  const line = `idempotency off, 2 000 deliveries with the same duplicates: the checker reported ${doubles} doubled handler completions (${found.length} findings in all)`;
  const summary = summaries.find((s) => s.name === 'selfcheck');
  if (summary) summary.lines = [line];
  if (doubles === 0)
    violation('selfcheck', 'with idempotency off the checker found no doubles: the counting does not work');
}

async function runRedis() {
  let url = process.env.REDIS_URL;
  let own;
  if (!url) {
    const port = await freePort();
    own = await startRedis(port);
    url = `redis://127.0.0.1:${port}`;
  }
  const keyPrefix = `inkbox-load:${randomUUID()}:`;
  const env = { STORE: 'redis', REDIS_URL: url, KEY_PREFIX: keyPrefix };
  const apps = await Promise.all([startApp('app A (redis)', env), startApp('app B (redis)', env)]);
  try {
    await deliveryRun('redis', apps);
    summaries
      .find((s) => s.name === 'redis')
      ?.lines.unshift(`redis: ${own ? 'a redis-server started by this script' : 'REDIS_URL'}`);
  } finally {
    await Promise.all(apps.map((a) => a.stop()));
    if (own) await killRedis(own);
    else await deleteKeys(url, keyPrefix);
  }
}

/** Removes this run's keys from a shared Redis (they would otherwise stay until their TTL). */
async function deleteKeys(url, prefix) {
  const Redis = createRequire(import.meta.url)('ioredis');
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    for (let guard = 0; guard < 100_000; guard++) {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    await client.quit();
  }
}

async function runOutage() {
  const name = 'outage';
  const port = await freePort();
  let redis = await startRedis(port);
  const url = `redis://127.0.0.1:${port}`;
  const closed = await startApp('app (redis, fail-closed)', { STORE: 'redis', REDIS_URL: url, KEY_PREFIX: 'closed:' });
  const open = await startApp('app (redis, fail-open)', {
    STORE: 'redis',
    REDIS_URL: url,
    KEY_PREFIX: 'open:',
    ON_STORE_ERROR: 'open',
  });
  const { before, during, killAfter, openApp } = CONFIG.outageEvents;
  try {
    const run = newRun(name, 50);
    const beforeEvents = makeEvents(before, 0);
    await pool(
      beforeEvents.map((e) => () => deliver(run, e, [closed], 0)),
      50,
    );
    debug('outage: before done', run.statusCounts);

    // Mid-run: Redis is killed once `killAfter` deliveries of this phase have been answered.
    const duringEvents = makeEvents(during, 0);
    const results = new Map();
    let answered = 0;
    let killed;
    const kill = async () => {
      await killRedis(redis);
    };
    await pool(
      duringEvents.map((event) => async () => {
        const result = await deliver(run, event, [closed], 0, { deferOn503: true });
        results.set(event.id, result);
        if (++answered === killAfter) killed = kill();
      }),
      50,
    );
    await killed;
    debug('outage: during done', run.statusCounts);
    const deferred = duringEvents.filter((e) => results.get(e.id)?.deferred);
    const answered2xx = duringEvents.filter((e) => results.get(e.id)?.ok);
    if (deferred.length === 0) violation(name, 'no delivery got 503: the outage was not observed');

    // While Redis is still down: nothing ran for the deliveries that were refused.
    const whileDown = merge([await closed.stats()]);
    debug('outage: stats while down');
    let unprotected = 0;
    for (const event of deferred) {
      const handlers = whileDown.get(event.id);
      if (handlers && handlers.size > 0) {
        unprotected++;
        violation(name, `event ${event.id} was answered 503, yet a handler ran for it`);
      }
    }
    const probeWhileDown = makeEvents(20, 0);
    let probe503 = 0;
    for (const e of probeWhileDown) {
      const r = await deliver(run, e, [closed], 0, { deferOn503: true });
      debug('probe', r.statuses);
      if (r.deferred) probe503++;
      else
        violation(name, `event ${e.id}: answered ${r.statuses.join(', ')} by the fail-closed app while Redis was down`);
    }

    // Fail-open app during the same outage: processes every delivery, duplicates included.
    const openEvents = makeEvents(openApp, 0);
    const openRun = newRun(`${name}/open`, 50);
    for (const e of openEvents) {
      for (let copy = 0; copy < 2; copy++) {
        const r = await deliver(openRun, e, [open], 0, { deferOn503: true });
        if (!(r.ok && r.statuses.length === 1 && r.outcome === 'processed')) {
          violation(name, `fail-open app answered ${r.statuses.join(', ')} (${r.outcome}) during the outage`);
        }
      }
    }
    debug('outage: open app done', openRun.statusCounts);
    const openCounts = merge([await open.stats()]);
    let openRuns = 0;
    for (const e of openEvents) openRuns += openCounts.get(e.id)?.get('received')?.invocations ?? 0;

    // Redis is back (empty: no persistence). The refused deliveries are retried until 2xx.
    redis = await startRedis(port);
    const retried = [...deferred, ...probeWhileDown];
    debug('outage: redis restarted');
    await pool(
      retried.map((e) => () => deliver(run, e, [closed], 0)),
      50,
    );
    debug('outage: retried', run.statusCounts);

    const all = [...beforeEvents, ...duringEvents, ...probeWhileDown];
    const finalStats = await closed.stats();
    const counted = checkExactlyOnce(name, all, [finalStats], 1);
    summaries.push({
      name,
      lines: [
        `redis-server started by this script, killed (SIGKILL) after ${killAfter} of ${during} mid-run deliveries were answered, then restarted empty`,
        `fail-closed app: ${before} events before the kill; of ${during} during: ${answered2xx.length} answered 2xx (before or at the kill), ${deferred.length} answered 503; ${probe503}/${probeWhileDown.length} more answered 503 while down`,
        `handlers that ran for a delivery answered 503: ${unprotected} (must be 0)`,
        `after the restart: ${retried.length} refused deliveries retried until 2xx; handler calls counted ${counted.calls}, lost ${counted.lost}, doubles ${counted.doubles}`,
        `fail-open app during the outage: ${openEvents.length} events sent twice each, all answered 200 "processed"; the received handler ran ${openRuns} times (unprotected: duplicates ran again, as documented)`,
        `statuses (fail-closed): ${JSON.stringify(run.statusCounts)}`,
      ],
    });
  } finally {
    await closed.stop();
    await open.stop();
    await killRedis(redis);
  }
}

async function runStore() {
  const name = 'store';
  const output = await new Promise((resolve, reject) => {
    const child = track(
      spawn(process.execPath, ['--expose-gc', MEMORY_BOUND], {
        cwd: root,
        env: { ...process.env, INKBOX_LIB: LIB },
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
    let text = '';
    child.stdout.on('data', (c) => (text += c));
    child.once('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`memory-bound run failed (code ${code})`)),
    );
  });
  const result = JSON.parse(output.trim().split('\n').at(-1));
  // Flat: from twice the bound on (the hash table has reached its working size), no growth beyond 10 %.
  const [, warm] = result.samples;
  const atEnd = result.samples.at(-1);
  if (result.samples.some((s) => s.size !== result.maxEntries))
    violation(name, `the store did not stay at ${result.maxEntries} events: ${JSON.stringify(result.samples)}`);
  const growth = atEnd.retainedBytes - warm.retainedBytes;
  if (growth > warm.retainedBytes * 0.1)
    violation(name, `memory grew by ${mib(growth)} MiB between ${warm.events} and ${atEnd.events} events (not flat)`);
  if (atEnd.retainedBytes > CONFIG.storeRetainedBoundMiB * 1024 * 1024)
    violation(name, `retained ${mib(atEnd.retainedBytes)} MiB, over ${CONFIG.storeRetainedBoundMiB} MiB`);
  if (!result.newestIsDuplicate) violation(name, 'the newest event was not remembered');
  if (!result.oldestWasForgotten) violation(name, 'the oldest event was not dropped at the bound');
  summaries.push({
    name,
    lines: [
      `in-memory store, maxEntries ${result.maxEntries}: ` +
        result.samples
          .map((s) => `${s.events.toLocaleString('en')} events → ${s.size} kept, ${mib(s.retainedBytes)} MiB`)
          .join('; '),
      `growth from ${warm.events.toLocaleString('en')} to ${atEnd.events.toLocaleString('en')} events: ${mib(growth)} MiB (≈ ${Math.round(atEnd.retainedBytes / result.maxEntries)} bytes per remembered event; bound ${CONFIG.storeRetainedBoundMiB} MiB)`,
    ],
  });
}

// ------------------------------------------------------------------ main

async function main() {
  const watchdog = setTimeout(() => {
    console.error(`load run: still running after ${CONFIG.watchdogMs / 1000} s; stopping.`);
    stopAll();
    process.exit(2);
  }, CONFIG.watchdogMs);
  process.on('SIGINT', () => {
    stopAll();
    process.exit(130);
  });
  const started = Date.now();
  build();
  const steps = [
    ['selfcheck', runSelfCheck],
    ['memory', runMemory],
    ['redis', runRedis],
    ['outage', runOutage],
    ['store', runStore],
  ];
  for (const [name, step] of steps) {
    if (!ONLY.has(name)) continue;
    process.stdout.write(`run "${name}" ... `);
    const t0 = Date.now();
    try {
      await step();
    } catch (error) {
      violation(name, `the run failed: ${error?.stack ?? error}`);
    }
    console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  clearTimeout(watchdog);

  console.log('\n=== nestjs-inkbox delivery guarantees: load and fault runs ===');
  for (const s of summaries) {
    console.log(`\n[${s.name}]`);
    for (const line of s.lines) console.log(`  ${line}`);
  }
  console.log(`\ntotal time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (violations.length > 0) {
    console.log(`\nFAILED: ${violations.length} violation(s)`);
    for (const v of violations.slice(0, 30)) console.log(`  - ${v}`);
    if (violations.length > 30) console.log(`  … and ${violations.length - 30} more`);
    process.exitCode = 1;
  } else {
    console.log(`\nPASSED: no violations (runs: ${[...ONLY].join(', ')}).`);
  }
  stopAll();
}

main().catch((error) => {
  console.error(error);
  stopAll();
  process.exit(1);
});
