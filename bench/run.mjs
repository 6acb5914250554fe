#!/usr/bin/env node
// nestjs-inkbox benchmark harness.
//
//   npm run bench                  full run (about 5 minutes); writes bench/RESULTS.md (quiet machine)
//   npm run bench -- --quick       smoke run (a minute or two, for CI); exits non-zero when the
//                                  harness itself breaks (a server fails, a wrong answer), never on
//                                  a missed target; writes to the temporary directory
//   npm run bench -- --nest12      also repeats ceiling, hand-rolled and nestjs-inkbox (Express and
//                                  Fastify) on the project's own Nest 12 (about one more minute)
//
// Investigation options (results then go to the temporary directory, never to RESULTS.md):
//   --variants=ours,hand-rolled,…  a subset, or the diagnosis variants ours-no-idempotency,
//                                  ours-json-only, ours-build-only (see servers/server.cjs)
//   --sizes=2k|256k  --skip-micro  --skip-rss  --skip-enhancers (--skip-micro skips it too)
//   --cycles=N  --burst=S           measured rounds per body size, seconds per burst
//   --profile[=ours,ceiling,…]     CPU profiles of 4 s under load at 2 KiB, summarised in the report
//   --no-pin  --rebuild
//   --wait-quiet=S                 a run that would write RESULTS.md first waits up to S seconds
//                                  (default 120; 0: not at all) for the load average to fall to 1.0
//   --allow-busy                   write RESULTS.md from a busy run (the file then says so at its
//                                  top); without it such a run writes to the temporary directory
//
// A run is a busy one when the 1-minute load average at its start is above 1.0, or when other work
// (the machine's busy CPU time less the harness's own and its children's) kept more than half a
// core busy on average during it (lib/machine-load.mjs). Both are printed and written into the
// report, with the load average at the end. CPU time per answer (the server
// process's user + system time) is the primary figure: its ratios hold on a machine shared with
// other work, where req/s ratios drift. With REDIS_URL set, nestjs-inkbox also runs with the Redis
// idempotency store and, at 2 KiB, as a queue-mode receiver whose jobs a worker process drains
// afterwards; the round-trips to Redis per delivery (and per job on the worker) are counted.
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clean, runLoad } from './lib/load.mjs';
import { judgeLoad, OTHER_LOAD_MAX, OtherWorkMeter, START_LOAD_MAX } from './lib/machine-load.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { SignedRequestSource } from './lib/requests.mjs';
import { readCpuSeconds, ServerProcess } from './lib/server-process.mjs';
import { buildLibrary, ensureDependencies } from './lib/setup.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const started = Date.now();
const args = new Set(process.argv.slice(2).filter((a) => !a.includes('=')));
const valued = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a.includes('='))
    .map((a) => a.replace(/^--/, '').split('=')),
);
const QUICK = args.has('--quick');
const log = (...parts) => console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s]`, ...parts);

// Interleaved measurement: every server runs in its own process for the whole phase; per body
// size, each gets a warm-up, then `cycles` rounds in which each server in turn (the order rotating)
// gets one short measured burst. Slow changes in the machine's load then hit all servers alike.
const MODE = QUICK
  ? {
      name: 'quick',
      connections: 16,
      freshPerSize: false,
      sizes: { '2k': { warm: 0.5, cycles: 1, burst: 1 }, '256k': { warm: 0.5, cycles: 1, burst: 1 } },
      rssSeconds: [10],
      micro: { rounds: 3, blockMs: 20 },
    }
  : {
      name: 'full',
      connections: 16,
      freshPerSize: true,
      sizes: { '2k': { warm: 2, cycles: 9, burst: 1.5 }, '256k': { warm: 1, cycles: 7, burst: 1.5 } },
      rssSeconds: [10, 90],
      micro: { rounds: 15, blockMs: 50 },
    };
// investigation: --cycles=N and --burst=S override the rounds and burst length of every body size
for (const [name, min] of [
  ['cycles', 1],
  ['burst', 0.2],
]) {
  if (valued[name] === undefined) continue;
  const value = Number(valued[name]);
  if (!(value >= min) || (name === 'cycles' && !Number.isInteger(value)))
    throw new Error(`--${name}=${valued[name]}: expected ${name === 'cycles' ? 'a whole number' : 'seconds'} ≥ ${min}`);
  for (const timing of Object.values(MODE.sizes)) timing[name] = value;
}
const CPU_COUNT = os.cpus().length;
/** The in-memory idempotency store's default bound in events (DEFAULT_IDEMPOTENCY_MAX_ENTRIES). */
const STORE_MAX_ENTRIES = 100_000;
/** A run for investigation: its report goes to the temporary directory, never to RESULTS.md. */
const PARTIAL = Boolean(
  valued.variants ||
  valued.sizes ||
  valued.profile ||
  args.has('--profile') ||
  valued.cycles ||
  valued.burst ||
  args.has('--skip-micro') ||
  args.has('--skip-enhancers') ||
  args.has('--skip-rss'),
);
/** A run that would write RESULTS.md waits this long at most for the load average to fall to START_LOAD_MAX. */
const WAIT_QUIET_S = Number(valued['wait-quiet'] ?? 120);

const SIZES = [
  { id: '2k', label: '2 KiB', bytes: 2048 },
  { id: '256k', label: '256 KiB', bytes: 256 * 1024 },
].filter((s) => !valued.sizes || valued.sizes.split(',').includes(s.id));

const PROCESSED = JSON.stringify({ outcome: 'processed' });
const ALL_VARIANTS = [
  {
    id: 'ceiling',
    label: 'ceiling: bare Nest, rawBody, answers 200',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
  },
  {
    id: 'hand-rolled',
    label: 'hand-rolled: HMAC + timingSafeEqual + JSON.parse + handler',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
  },
  {
    id: 'ours',
    label: 'nestjs-inkbox (defaults)',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
  },
  {
    id: 'ours-cv',
    label: 'nestjs-inkbox, class-validator on every request (before)',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
  },
  { id: 'peer', label: '@golevelup/nestjs-stripe', kind: 'stripe', path: '/stripe/webhook', status: 201, body: '' },
  {
    id: 'ceiling-fastify',
    label: 'ceiling on @nestjs/platform-fastify',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
  },
  {
    id: 'ours-fastify',
    label: 'nestjs-inkbox on @nestjs/platform-fastify',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
  },
  // only with REDIS_URL set: the Redis idempotency store, its commands counted per delivery
  {
    id: 'ours-redis',
    label: 'nestjs-inkbox, Redis idempotency store',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
    redis: true,
  },
  // only with REDIS_URL set, at 2 KiB: queue mode, a receiver-only process (role 'receiver'); its
  // jobs are drained afterwards by a worker-only process (see drainQueue), both counting round-trips
  {
    id: 'queue-receiver',
    label: "nestjs-inkbox, queue mode: receiver (role 'receiver', BullMQ)",
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: JSON.stringify({ outcome: 'queued' }),
    redis: true,
    queue: true,
    sizes: ['2k'],
    script: 'queue-server.cjs',
    serverVariant: 'receiver',
  },
  // diagnosis only, with --variants=…
  {
    id: 'ours-no-idempotency',
    label: 'diagnosis: nestjs-inkbox with idempotency: false',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
    diagnosis: true,
  },
  {
    id: 'ours-json-only',
    label: 'diagnosis: nestjs-inkbox, parse step = JSON.parse only',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
    diagnosis: true,
  },
  {
    id: 'ours-build-only',
    label: 'diagnosis: nestjs-inkbox, parse step without validation',
    kind: 'inkbox',
    path: '/inkbox/webhooks',
    status: 200,
    body: PROCESSED,
    diagnosis: true,
  },
];
const REDIS_URL = process.env.REDIS_URL;
/** The BullMQ queue (and idempotency key prefix) of this run's queue-mode servers; its keys are deleted at the end. */
const QUEUE_NAME = `inkbox-bench-${randomUUID().slice(0, 8)}`;
/** Event id prefixes sent to the Redis-store variant: their `inkbox:idem:` keys are deleted at the end. */
const redisIdPrefixes = new Set();
const QUEUE_WORKER = {
  id: 'queue-worker',
  label: "nestjs-inkbox, queue mode: worker (role 'worker')",
  script: 'queue-server.cjs',
  serverVariant: 'worker',
};
const VARIANTS = ALL_VARIANTS.filter((v) =>
  valued.variants ? valued.variants.split(',').includes(v.id) : !v.diagnosis && (!v.redis || REDIS_URL),
);

const INKBOX_KEY = 'whsec_bench_c2lnbmluZy1rZXktZm9yLWJlbmNobWFya3M';
const STRIPE_SECRET = 'whsec_bench_stripe_0123456789abcdef0123456789abcdef';
const failures = [];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** CPU placement: the server alone on one CPU, the load generator (this process) on another. */
function cpuPlan() {
  if (args.has('--no-pin') || CPU_COUNT < 2 || process.platform !== 'linux')
    return { pinned: false, server: [], note: 'not pinned' };
  try {
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return {
      pinned: true,
      server: ['taskset', '-c', '1'],
      note: 'server pinned to CPU 1, load generator to CPU 0 (taskset)',
    };
  } catch {
    return { pinned: false, server: [], note: 'not pinned (taskset unavailable)' };
  }
}

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(join(BENCH, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    try {
      return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      return '?';
    }
  }
}

/** The redis-server behind REDIS_URL, when it runs on this machine: its CPU time is read around each burst. */
let redisPid;
const redisCpu = () => (redisPid ? readCpuSeconds(redisPid) : undefined);

/** The pid of the redis-server behind REDIS_URL when it runs on this machine (its CPU is the run's own). */
async function localRedisPid() {
  if (!REDIS_URL || !/^redis:\/\/(127\.0\.0\.1|localhost)[:/]/.test(REDIS_URL)) return undefined;
  const Redis = createRequire(join(ROOT, 'package.json'))('ioredis');
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await client.connect();
    const pid = Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]);
    return existsSync(`/proc/${pid}/stat`) ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

/** Waits (bounded) for the 1-minute load average to fall to START_LOAD_MAX, e.g. after another benchmark run. */
async function waitForQuiet() {
  if (QUICK || PARTIAL || !(WAIT_QUIET_S > 0) || os.loadavg()[0] <= START_LOAD_MAX) return;
  log(
    `load average ${os.loadavg()[0].toFixed(2)} > ${START_LOAD_MAX}: waiting up to ${WAIT_QUIET_S} s for it to fall …`,
  );
  const until = Date.now() + WAIT_QUIET_S * 1000;
  while (os.loadavg()[0] > START_LOAD_MAX && Date.now() < until) await sleep(5000);
}

async function main() {
  await waitForQuiet();
  redisPid = await localRedisPid();
  const meter = new OtherWorkMeter({ extraPids: () => (redisPid ? [redisPid] : []) }).start();
  log(`mode: ${MODE.name}`);
  ensureDependencies(BENCH, log);
  const build = buildLibrary(ROOT, join(BENCH, 'node_modules', 'nestjs-inkbox'), { force: args.has('--rebuild'), log });
  if (!build.built) log('library build is up to date with lib/');
  const cpu = cpuPlan();
  log(cpu.note);
  const { loadStart } = meter;
  log(
    `load average at start: ${loadStart.map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)${loadStart[0] > START_LOAD_MAX ? ` — above ${START_LOAD_MAX}: a busy machine` : ''}`,
  );
  if (redisPid) log(`the redis-server behind REDIS_URL (pid ${redisPid}) counts as the run's own work`);

  const require = createRequire(join(BENCH, 'run.mjs'));
  require('reflect-metadata');
  const { createInkboxEvent } = require('nestjs-inkbox/testing');
  const { verifyInkboxSignature } = require('nestjs-inkbox');
  const inkboxEvent = createInkboxEvent('message.received');
  const sourceFor = (variant, size) =>
    new SignedRequestSource({
      kind: variant.kind,
      size: size.bytes,
      secret: variant.kind === 'inkbox' ? INKBOX_KEY : STRIPE_SECRET,
      inkboxEvent,
    });

  // Self-check: the generated requests verify with the library's and Stripe's own code.
  for (const size of [2048, 256 * 1024]) {
    const inkbox = new SignedRequestSource({ kind: 'inkbox', size, secret: INKBOX_KEY, inkboxEvent });
    const a = inkbox.next();
    const b = inkbox.next();
    const headers = Object.fromEntries(Object.entries(a.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const verdict = verifyInkboxSignature({ rawBody: a.body, headers, signingKey: INKBOX_KEY });
    if (!verdict.ok) throw new Error(`self-check: generated Inkbox request does not verify: ${verdict.reason}`);
    if (a.body.length !== size || JSON.parse(a.body).id === JSON.parse(b.body).id)
      throw new Error('self-check: bodies are not distinct or not of the size asked');
    const Stripe = require('stripe');
    const stripe = new Stripe('sk_test_bench_not_used');
    const s = new SignedRequestSource({ kind: 'stripe', size, secret: STRIPE_SECRET, inkboxEvent }).next();
    const event = stripe.webhooks.constructEvent(s.body, s.headers['Stripe-Signature'], STRIPE_SECRET);
    if (event.type !== 'payment_intent.succeeded' || s.body.length !== size)
      throw new Error('self-check: generated Stripe request is wrong');
  }
  log('self-check: generated requests verify with verifyInkboxSignature and stripe.webhooks.constructEvent');

  const serverEnv = {
    BENCH_INKBOX_KEY: INKBOX_KEY,
    BENCH_STRIPE_SECRET: STRIPE_SECRET,
    ...(REDIS_URL ? { BENCH_REDIS_URL: REDIS_URL } : {}),
  };
  if (!REDIS_URL) log('REDIS_URL is not set: the Redis idempotency store and queue mode rows are left out');
  const newServer = (id, nodeArgs = [], extraEnv = {}) => {
    const variant = [...ALL_VARIANTS, QUEUE_WORKER].find((v) => v.id === id);
    return new ServerProcess({
      script: join(BENCH, 'servers', variant?.script ?? 'server.cjs'),
      variant: variant?.serverVariant ?? id,
      env: {
        ...serverEnv,
        ...(variant?.queue || variant === QUEUE_WORKER ? { REDIS_URL, QUEUE_NAME } : {}),
        ...extraEnv,
      },
      cpuPrefix: cpu.server,
      nodeArgs,
      cwd: BENCH,
    });
  };

  // ---- micro-benchmarks ---------------------------------------------------------------------------
  let micro;
  if (!args.has('--skip-micro')) {
    log('micro-benchmarks: verifyInkboxSignature vs createHmac, key lists, parse paths …');
    micro = await runMicro(cpu, { ...MODE.micro, inkboxKey: INKBOX_KEY });
  }

  // ---- the handler pipeline's cost (bench/enhancers.mjs), full runs only ------------------------------
  let enhancers;
  if (!QUICK && !args.has('--skip-micro') && !args.has('--skip-enhancers')) {
    log('handler pipeline: guards and interceptors around a handler call (bench/enhancers.mjs) …');
    enhancers = await runEnhancers(cpu);
  }

  // ---- HTTP rounds --------------------------------------------------------------------------------
  let runs;
  let worker;
  try {
    runs = await measureInterleaved(newServer, sourceFor, VARIANTS, SIZES);
    const queued = runs.find((r) => r.variant === 'queue-receiver' && r.summary)?.accepted;
    if (queued) worker = await drainQueue(newServer, queued);
  } finally {
    if (VARIANTS.some((v) => v.redis)) await deleteRedisKeys();
  }

  // ---- Nest 12 (optional) -------------------------------------------------------------------------
  let nest12;
  if (args.has('--nest12')) {
    const dir = join(ROOT, 'node_modules', '.cache', 'nestjs-inkbox-bench', 'node_modules', 'nestjs-inkbox');
    buildLibrary(ROOT, dir, { force: args.has('--rebuild'), log });
    const variants = VARIANTS.filter((v) =>
      ['ceiling', 'hand-rolled', 'ours', 'ceiling-fastify', 'ours-fastify'].includes(v.id),
    );
    const nest12Server = (variant, nodeArgs = []) =>
      newServer(variant, ['--no-warnings', ...nodeArgs], { BENCH_NEST_ROOT: ROOT, BENCH_LIBRARY: dir });
    log(
      `Nest 12 (the project's own @nestjs/* ${JSON.parse(readFileSync(join(ROOT, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8')).version}): ${variants.map((v) => v.id).join(', ')} …`,
    );
    nest12 = await measureInterleaved(
      nest12Server,
      sourceFor,
      variants,
      SIZES.filter((s) => s.id === '2k'),
    );
  }

  // ---- RSS flatness -------------------------------------------------------------------------------
  let rss;
  if (!args.has('--skip-rss') && VARIANTS.some((v) => v.id === 'ours')) {
    const expectedRps = median(
      runs.filter((r) => r.variant === 'ours' && r.size === '2k' && !r.summary).map((r) => r.rps),
    );
    rss = await rssFlatness(
      VARIANTS.find((v) => v.id === 'ours'),
      { id: '2k', label: '2 KiB', bytes: 2048 },
      newServer,
      sourceFor,
      Number.isFinite(expectedRps) ? expectedRps : 5000,
    );
  }

  // ---- profiles -----------------------------------------------------------------------------------
  let profiles;
  if (args.has('--profile') || valued.profile) profiles = await profileRuns(newServer, sourceFor);

  const machine = meter.stop();
  const verdict = judgeLoad(machine);
  log(`load average at end: ${machine.loadEnd.map((l) => l.toFixed(2)).join(' ')} (1, 5, 15 min)`);
  log(
    machine.otherLoad === undefined
      ? "other work's load during the run: not measured (no /proc/stat)"
      : `other work's load during the run: ${machine.otherLoad.toFixed(2)} cores on average (machine ${machine.machineLoad.toFixed(2)}, this run ${machine.ownLoad.toFixed(2)}, over ${machine.seconds.toFixed(0)} s)`,
  );
  const busy = verdict.busy;
  const report = buildReport({ runs, worker, nest12, micro, enhancers, rss, profiles, cpu, machine, verdict });
  console.log(`\n${report}`);
  const partial = PARTIAL;
  const refused = busy && !QUICK && !partial && !args.has('--allow-busy');
  if (refused)
    log(
      `not writing bench/RESULTS.md: a busy machine (${verdict.reasons.join('; ')}); rerun on a quiet machine, or pass --allow-busy to write it marked as a busy run`,
    );
  const target =
    QUICK || partial || refused
      ? join(
          os.tmpdir(),
          'nestjs-inkbox-bench',
          QUICK ? 'RESULTS.quick.md' : refused ? 'RESULTS.busy.md' : 'RESULTS.partial.md',
        )
      : join(BENCH, 'RESULTS.md');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, report);
  log(`wrote ${target}`);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (failures.length > 0) {
    console.error(`\nThe harness found ${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  }
}

function mib(bytes) {
  return bytes === undefined ? '?' : (bytes / 1048576).toFixed(1);
}

async function runMicro(cpu, config) {
  const argv = [...cpu.server, process.execPath, '--expose-gc', join(BENCH, 'micro.mjs'), JSON.stringify(config)];
  const child = spawn(argv[0], argv.slice(1), { cwd: BENCH, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    failures.push(`micro-benchmark process exited with ${code}`);
    return undefined;
  }
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** bench/enhancers.mjs in its own process, on the servers' CPU; its figures, or undefined when it failed. */
async function runEnhancers(cpu) {
  const argv = [...cpu.server, process.execPath, join(BENCH, 'enhancers.mjs'), '--json'];
  const child = spawn(argv[0], argv.slice(1), { cwd: BENCH, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err = (err + c).slice(-4000)));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    failures.push(
      `enhancer benchmark (bench/enhancers.mjs) exited with ${code}: ${err.trim().split('\n').slice(-3).join(' / ')}`,
    );
    return undefined;
  }
  return JSON.parse(out.trim().split('\n').at(-1));
}

/**
 * Starts every server, then per size: a warm-up each, then the cycles of short bursts. Returns one
 * record per burst ({ variant, size, round, rps, cpuPerRequest, p50, p99, driverCpu }) and one
 * summary per server and size ({ summary: true, peakRss }).
 */
async function measureInterleaved(newServer, sourceFor, variants, sizes) {
  const records = [];
  const settling = [];
  // full mode: fresh processes for each size, so that no server carries the other phase's history
  // (heap, idempotency store); quick mode keeps them, to start fewer processes
  const groups = MODE.freshPerSize ? sizes.map((size) => [size]) : [sizes];
  for (const group of groups) {
    const servers = new Map();
    try {
      for (const variant of variants) {
        if (variant.sizes && !group.some((size) => variant.sizes.includes(size.id))) continue;
        try {
          servers.set(variant.id, await newServer(variant.id).start());
        } catch (error) {
          failures.push(`${variant.id}: ${error.message}`);
        }
      }
      for (const size of group) {
        const timing = MODE.sizes[size.id];
        const live = variants.filter((v) => servers.has(v.id) && (!v.sizes || v.sizes.includes(size.id)));
        const accepted = new Map(live.map((v) => [v.id, 0]));
        const sources = new Map(live.map((v) => [v.id, sourceFor(v, size)]));
        for (const v of live) if (v.redis && !v.queue) redisIdPrefixes.add(sources.get(v.id).idPrefix);
        const estimate = new Map();
        const common = (v) => ({
          port: servers.get(v.id).port,
          path: v.path,
          source: sources.get(v.id),
          connections: MODE.connections,
          expectStatus: v.status,
          expectBody: v.body,
        });
        for (const v of live) {
          sources.get(v.id).prepare(0);
          const warm = await runLoad({ ...common(v), seconds: timing.warm });
          accepted.set(v.id, accepted.get(v.id) + warm.ok);
          // a warm-up too short for a slow answer on a busy machine is no harness failure; a wrong answer is
          if (
            !clean(warm) &&
            !(warm.ok === 0 && Object.keys(warm.statuses ?? {}).length === 0 && warm.problems.errors === 0)
          )
            failures.push(
              `${v.id} ${size.label} warm-up: ${JSON.stringify({ ok: warm.ok, statuses: warm.statuses, ...warm.problems })}`,
            );
          estimate.set(v.id, warm.rps);
        }
        log(
          `${size.label}: ${live.length} servers warmed up; a settling round, then ${timing.cycles} rounds of ${timing.burst} s bursts each`,
        );
        // round -1 settles the machine after the warm-ups (its first bursts run slow for every server) and is not counted
        for (let round = -1; round < timing.cycles; round++) {
          const order = live.map((_, i) => live[(i + round + 1) % live.length]);
          for (const v of order) {
            const server = servers.get(v.id);
            const source = sources.get(v.id);
            source.prepare(Math.ceil(Math.max(estimate.get(v.id), 500) * (timing.burst + 0.5) * 2));
            const statsBefore = await server.stats();
            const handledBefore = statsBefore.handled;
            const cpuBefore = server.cpuSeconds();
            const redisCpuBefore = v.redis ? redisCpu() : undefined;
            const run = await runLoad({ ...common(v), seconds: timing.burst });
            const cpuUsed = server.cpuSeconds() - cpuBefore;
            accepted.set(v.id, accepted.get(v.id) + run.ok);
            // requests in flight when the burst ended are still served: let them finish before counting
            if (v.redis) await sleep(200);
            const stats = await server.stats();
            const redisCpuUsed = v.redis ? redisCpu() - redisCpuBefore : undefined;
            if (!clean(run))
              failures.push(
                `${v.id} ${size.label} ${round >= 0 ? `round ${round + 1}` : 'settling round'}: ${JSON.stringify({ ok: run.ok, statuses: run.statuses, ...run.problems })}`,
              );
            // queue mode: the handlers run later, on the worker (drainQueue checks them)
            if (!v.id.startsWith('ceiling') && !v.queue && stats.handled - handledBefore < run.ok)
              failures.push(
                `${v.id} ${size.label}: the handler ran ${stats.handled - handledBefore} times for ${run.ok} answers`,
              );
            if (v.id === 'ours-cv' && !(stats.parsedByClassValidator >= run.ok))
              failures.push('ours-cv did not parse through class-validator');
            if (v.id.startsWith('ours') && v.id !== 'ours-cv' && stats.parsedByClassValidator)
              failures.push(`${v.id} parsed through the class-validator path`);
            estimate.set(v.id, Math.max(estimate.get(v.id), run.rps));
            // server.cjs counts eval/evalsha calls (redisCommands), queue-server.cjs every round-trip
            const redisCount = (st) => st.redisRoundTrips ?? st.redisCommands ?? NaN;
            // per delivery the server answered (or whose handler ran): requests still in flight when a
            // burst ends are served after it, and their round-trips are counted too
            const served =
              stats.answered !== undefined
                ? stats.answered - statsBefore.answered
                : v.id.startsWith('ceiling')
                  ? run.ok
                  : stats.handled - handledBefore;
            const redisPerDelivery = v.redis ? (redisCount(stats) - redisCount(statsBefore)) / served : undefined;
            const redisCpuPerDelivery = v.redis ? redisCpuUsed / served : undefined;
            const record = {
              variant: v.id,
              size: size.id,
              round,
              rps: run.rps,
              cpuPerRequest: cpuUsed / run.ok,
              p50: run.p50,
              p99: run.p99,
              driverCpu: run.driverCpu,
              liveSigned: source.liveSigned,
              redisPerDelivery,
              redisCpuPerDelivery,
            };
            if (round >= 0) records.push(record);
            else settling.push(record);
          }
          const last = round >= 0 ? records.slice(-order.length) : settling.slice(-order.length);
          log(
            `${size.label} ${round >= 0 ? `round ${round + 1}/${timing.cycles}` : 'settling round'}: ${last.map((r) => `${r.variant} ${fmt(r.rps)}/s ${fmt(r.cpuPerRequest * 1e6)}µs`).join('  ')}`,
          );
        }
        for (const v of live) {
          // every delivery the server answered (queued, for the queue receiver), in flight ones included
          const answered = v.queue ? (await servers.get(v.id).stats()).answered : undefined;
          records.push({
            variant: v.id,
            size: size.id,
            summary: true,
            peakRss: servers.get(v.id).memory().peak,
            accepted: answered ?? accepted.get(v.id),
          });
        }
      }
    } finally {
      await Promise.all([...servers.values()].map((s) => s.stop()));
    }
  }
  return records;
}

/**
 * Queue mode, the worker's side: once the receiver's bursts are over, a worker-only process drains
 * the jobs it queued. Counted from its first answer to the last job (its start-up left out): jobs
 * per second, CPU time and Redis round-trips per job. Every queued delivery must run its handler.
 */
async function drainQueue(newServer, accepted) {
  log(`queue mode: a worker process drains the ${accepted} jobs the receiver queued …`);
  let server;
  try {
    server = await newServer(QUEUE_WORKER.id).start();
    const first = await server.stats();
    const cpuBefore = server.cpuSeconds();
    const redisCpuBefore = redisCpu();
    const t0 = performance.now();
    let last = first;
    let progressAt = t0;
    // bounded: stops when every job ran, after 10 s without progress, or after 3 minutes
    while (last.handled < accepted && performance.now() - progressAt < 10_000 && performance.now() - t0 < 180_000) {
      await sleep(100);
      const next = await server.stats();
      if (next.handled > last.handled) progressAt = performance.now();
      last = next;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpuUsed = server.cpuSeconds() - cpuBefore;
    const redisCpuUsed = redisCpu() - redisCpuBefore;
    const jobs = last.handled - first.handled;
    if (last.handled < accepted && performance.now() - progressAt >= 10_000)
      failures.push(`queue worker: ${last.handled} of ${accepted} queued deliveries ran their handler`);
    const result = {
      accepted,
      handled: last.handled,
      jobs,
      seconds,
      jobsPerSecond: jobs / seconds,
      cpuPerJob: cpuUsed / jobs,
      redisPerJob: (last.redisRoundTrips - first.redisRoundTrips) / jobs,
      redisCpuPerJob: redisCpuUsed / jobs,
      peakRss: server.memory().peak,
    };
    log(
      `queue worker: ${last.handled} of ${accepted} jobs done; measured ${jobs} in ${fmt(seconds, 1)} s: ${fmt(result.jobsPerSecond)}/s, ${fmt(result.cpuPerJob * 1e6)} µs CPU and ${fmt(result.redisPerJob, 2)} Redis round-trips per job`,
    );
    return result;
  } catch (error) {
    failures.push(`queue worker: ${error.message}`);
    return undefined;
  } finally {
    await server?.stop();
  }
}

/** Deletes this run's keys from Redis: the queue's, and the idempotency keys of the events it sent. */
async function deleteRedisKeys() {
  const Redis = createRequire(join(ROOT, 'package.json'))('ioredis');
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    const patterns = [`bull:${QUEUE_NAME}:*`, `${QUEUE_NAME}:idem:*`];
    for (const prefix of redisIdPrefixes) patterns.push(`inkbox:idem:evt_${prefix}*`);
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length > 0) await client.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } catch (error) {
    log(`could not delete this run's Redis keys: ${error.message}`);
  } finally {
    client.disconnect();
  }
}

async function rssFlatness(variant, size, newServer, sourceFor, expectedRps) {
  const seconds = Math.max(...MODE.rssSeconds);
  log(
    `RSS flatness: nestjs-inkbox, distinct ${size.label} events for ${seconds} s (checkpoints at ${MODE.rssSeconds.join(' s and ')} s) …`,
  );
  const server = await newServer(variant.id).start();
  try {
    const source = sourceFor(variant, size);
    const samples = server.startSampling(100);
    const checkpoints = [];
    const t0 = Date.now();
    const timers = MODE.rssSeconds.map((s) =>
      setTimeout(
        async () => {
          const peak = Math.max(...samples.filter((x) => x.t <= s * 1000).map((x) => x.rss));
          const stats = await server.stats().catch(() => ({}));
          checkpoints.push({
            seconds: s,
            peakRss: peak,
            storeSize: stats.storeSize,
            heapUsed: stats.memory?.heapUsed,
            heapTotal: stats.memory?.heapTotal,
            handled: stats.handled,
            at: Date.now() - t0,
          });
        },
        s * 1000 - 50,
      ),
    );
    // the moment the idempotency store holds its default 100 000 events: growth is judged from there
    let full;
    const poller = setInterval(async () => {
      if (full) return;
      const stats = await server.stats().catch(() => ({}));
      if (full || !(stats.storeSize >= STORE_MAX_ENTRIES)) return;
      const at = Date.now() - t0;
      full = {
        seconds: Math.round(at / 1000),
        full: true,
        peakRss: Math.max(...samples.filter((x) => x.t <= at).map((x) => x.rss)),
        storeSize: stats.storeSize,
        heapUsed: stats.memory?.heapUsed,
        heapTotal: stats.memory?.heapTotal,
        handled: stats.handled,
        at,
      };
      checkpoints.push(full);
    }, 1000);
    // the rate measured in the rounds sizes the pre-signed pool; requests beyond it are signed live
    source.prepare(Math.min(1_500_000, Math.ceil(expectedRps * seconds * 1.3)));
    const run = await runLoad({
      port: server.port,
      path: variant.path,
      source,
      connections: MODE.connections,
      seconds,
      expectStatus: variant.status,
      expectBody: variant.body,
    });
    await new Promise((r) => setTimeout(r, 300));
    timers.forEach(clearTimeout);
    clearInterval(poller);
    server.stopSampling();
    if (!clean(run))
      failures.push(`RSS run: ${JSON.stringify({ ok: run.ok, statuses: run.statuses, ...run.problems })}`);
    checkpoints.sort((a, b) => a.at - b.at);
    // from the moment the store was full when it filled, else from the first checkpoint
    const first = checkpoints.find((c) => c.full) ?? checkpoints[0];
    const last = checkpoints.at(-1);
    const timeline = [];
    for (let s = 5; s <= seconds; s += 5) {
      const window = samples.filter((x) => x.t <= s * 1000);
      if (window.length) timeline.push({ seconds: s, peakRss: Math.max(...window.map((x) => x.rss)) });
    }
    log(
      `RSS flatness: ${checkpoints.map((c) => `${c.seconds} s: peak ${mib(c.peakRss)} MiB, ${c.storeSize} events remembered`).join('; ')}`,
    );
    return {
      seconds,
      rps: run.rps,
      checkpoints,
      growth: last !== first ? last.peakRss / first.peakRss : undefined,
      from: first,
      to: last,
      timeline,
    };
  } catch (error) {
    failures.push(`RSS run: ${error.message}`);
    return undefined;
  } finally {
    await server.stop();
  }
}

async function profileRuns(newServer, sourceFor) {
  const dir = join(BENCH, 'profiles');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const size = { id: '2k', label: '2 KiB', bytes: 2048 };
  const out = {};
  for (const id of (typeof valued.profile === 'string' ? valued.profile : 'ours,hand-rolled,ceiling,ours-cv').split(
    ',',
  )) {
    const variant = [...VARIANTS, ...ALL_VARIANTS].find((v) => v.id === id);
    if (!variant) throw new Error(`--profile: unknown variant ${id}`);
    const file = join(dir, `${id}.cpuprofile`);
    log(`profiling ${id} at ${size.label} (4 s after a 2 s warm-up) …`);
    const server = await new ServerProcess({
      ...newServer(id).o,
      env: { ...newServer(id).o.env, BENCH_CPU_PROFILE: file },
    }).start();
    const source = sourceFor(variant, size);
    const common = {
      port: server.port,
      path: variant.path,
      source,
      connections: MODE.connections,
      expectStatus: variant.status,
      expectBody: variant.body,
    };
    await runLoad({ ...common, seconds: 2 });
    source.prepare(80000);
    server.signal('SIGUSR2');
    const run = await runLoad({ ...common, seconds: 4 });
    await server.stop();
    if (!existsSync(file)) {
      failures.push(`profile of ${id}: no profile written`);
      continue;
    }
    out[id] = { rps: run.rps, file: join('bench', 'profiles', `${id}.cpuprofile`), ...summarizeProfile(file) };
  }
  return out;
}

// ---- report ---------------------------------------------------------------------------------------

function versionOf12() {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', '@nestjs', 'core', 'package.json'), 'utf8')).version;
  } catch {
    return '?';
  }
}

function fmt(n, digits = 0) {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** Target: Redis round-trips per delivery on the receiver path (they bound how many receivers one Redis serves). */
const RECEIVER_ROUND_TRIPS_MAX = 2;

/** Queue mode's worker and the Redis round-trips per delivery of each Redis-backed path (2 KiB). */
function scaleOutLines(h, worker) {
  const lines = [];
  const perDelivery = (id) => median(h.by(id, '2k').map((r) => r.redisPerDelivery));
  if (worker) {
    lines.push(
      "Queue mode's worker (role 'worker', a handler that only counts), draining the jobs the receiver above queued, counted from its first answer to the last job:",
      '',
      '| process | CPU/job µs | jobs/s | Redis round-trips / job | jobs measured | peak RSS MiB |',
      '|---|---:|---:|---:|---:|---:|',
      `| ${QUEUE_WORKER.label} | ${fmt(worker.cpuPerJob * 1e6)} | ${fmt(worker.jobsPerSecond)} | ${fmt(worker.redisPerJob, 2)} | ${worker.jobs} (${worker.handled} of ${worker.accepted} queued ran) | ${mib(worker.peakRss)} |`,
      '',
    );
  }
  const paths = [
    ['ours-redis', 'inline, Redis idempotency store'],
    ['queue-receiver', 'queue mode, receiver'],
  ].filter(([id]) => h.by(id, '2k').length > 0);
  if (paths.length > 0) {
    lines.push(
      `Redis round-trips per delivery on the receiver path (target ≤ ${RECEIVER_ROUND_TRIPS_MAX}): ${paths
        .map(([id, label]) => {
          const n = perDelivery(id);
          return `${label} ${fmt(n, 2)} (${n <= RECEIVER_ROUND_TRIPS_MAX ? 'met' : 'missed'})`;
        })
        .join(
          '; ',
        )}${worker ? `; the worker adds ${fmt(worker.redisPerJob, 2)} per job` : ''}. A pipeline or MULTI … EXEC counts as one.`,
      '',
    );
    const redisCpuOf = (id) => median(h.by(id, '2k').map((r) => r.redisCpuPerDelivery));
    if (paths.some(([id]) => Number.isFinite(redisCpuOf(id))))
      lines.push(
        `CPU time of the redis-server per delivery (what bounds how many receivers one Redis serves): ${paths.map(([id, label]) => `${label} ${fmt(redisCpuOf(id) * 1e6)} µs`).join('; ')}${worker && Number.isFinite(worker.redisCpuPerJob) ? `; worker ${fmt(worker.redisCpuPerJob * 1e6)} µs per job` : ''}.`,
        '',
      );
  }
  return lines;
}

/** The handler pipeline's cost (bench/enhancers.mjs) beside nestjs-inkbox's CPU time per request at 2 KiB. */
function enhancerLines(e, oursCpuPerRequest) {
  const base = e.ns['direct call'];
  const lines = [
    '## Handler pipeline: guards and interceptors (CPU time per handler call, in process)',
    '',
    `bench/enhancers.mjs: one \`@OnInkboxEvent\` handler called directly, through the pipeline the module builds once at startup (Nest's guards, interceptors and filters), and through the module's whole per-handler path; the median of ${e.rounds} alternating blocks of about ${e.blockMs} ms each, on the harness's Nest 11.`,
    '',
    '| path | ns per call | over a direct call | share of nestjs-inkbox CPU/req at 2 KiB |',
    '|---|---:|---:|---:|',
  ];
  for (const [name, ns] of Object.entries(e.ns)) {
    const extra = ns - base;
    lines.push(
      `| ${name} | ${fmt(ns)} | ${name === 'direct call' ? '—' : `+${fmt(extra)} ns`} | ${name === 'direct call' ? '—' : `${fmt((extra / 1e9 / oursCpuPerRequest) * 100, 2)} %`} |`,
    );
  }
  lines.push(
    '',
    `The share is the extra time over a direct call against nestjs-inkbox's CPU time per request in the 2 KiB table (${fmt(oursCpuPerRequest * 1e6)} µs). One signed delivery over loopback HTTP, one at a time, took ${fmt(e.routeNs / 1000)} µs of wall time in that process (its own client included).`,
    '',
  );
  return lines;
}

/** The load figures of a run, one sentence for the report. */
function describeLoad(machine) {
  const [start, end] = [machine.loadStart[0], machine.loadEnd[0]];
  const other =
    machine.otherLoad === undefined
      ? "Other work's load was not measured (no /proc/stat on this system), so only the start is judged."
      : `Other work's load during the run: ${fmt(machine.otherLoad, 2)} cores on average (the machine's busy CPU time, ${fmt(machine.machineLoad, 2)} cores, less this run's own, ${fmt(machine.ownLoad, 2)}, over ${fmt(machine.seconds)} s; bound ${OTHER_LOAD_MAX}).`;
  return `Load average (1 min): ${start.toFixed(2)} at start (bound ${START_LOAD_MAX}), ${end.toFixed(2)} at end (the run itself keeps about two cores busy). ${other}`;
}

function buildReport({ runs, worker, nest12, micro, enhancers, rss, profiles, cpu, machine, verdict }) {
  const lines = [];
  const helpers = (records) => ({
    by: (variant, size) => records.filter((r) => r.variant === variant && r.size === size && !r.summary),
    peakOf: (variant, size) => records.find((r) => r.variant === variant && r.size === size && r.summary)?.peakRss,
    ratio: (a, b, size, byCpu = false) => {
      // within a round the two bursts are seconds apart: the median of the per-round ratios
      const per = [];
      const rounds = MODE.sizes[size].cycles;
      for (let round = 0; round < rounds; round++) {
        const x = records.find((r) => r.variant === a && r.size === size && r.round === round);
        const y = records.find((r) => r.variant === b && r.size === size && r.round === round);
        if (x && y) per.push(byCpu ? y.cpuPerRequest / x.cpuPerRequest : x.rps / y.rps);
      }
      return { median: median(per), rounds: per };
    },
  });
  const { ratio } = helpers(runs);
  const throughputRows = (h, variants, size) =>
    variants
      .filter((v) => h.by(v.id, size.id).length > 0)
      .map((v) => {
        const rs = h.by(v.id, size.id);
        const redis = v.redis ? fmt(median(rs.map((r) => r.redisPerDelivery)), 2) : '—';
        return `| ${v.label} | ${fmt(median(rs.map((r) => r.cpuPerRequest)) * 1e6)} | ${fmt(median(rs.map((r) => r.rps)))} | ${redis} | ${fmt(median(rs.map((r) => r.p50)), 1)} | ${fmt(median(rs.map((r) => r.p99)), 1)} | ${mib(h.peakOf(v.id, size.id))} | ${fmt(Math.max(...rs.map((r) => r.driverCpu ?? NaN)) * 100)} % |`;
      });
  const cpus = os.cpus();
  lines.push('# nestjs-inkbox benchmark results', '');
  const flags = process.argv.slice(2).join(' ');
  lines.push(
    `Generated by \`npm run bench${flags ? ` -- ${flags}` : ''}\` (bench/run.mjs) on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Do not edit by hand: run the harness again.`,
    '',
  );
  lines.push(describeLoad(machine), '');
  if (verdict.busy) {
    lines.push(
      `> **BUSY MACHINE: ${verdict.reasons.join('; ')}.** Other work shared the CPUs, so req/s and latencies are not comparable with a quiet run; the CPU-time ratios are the figures to read, and even they are indicative only.`,
      '',
    );
  }
  lines.push('## Machine', '');
  lines.push('| | |', '|---|---|');
  lines.push(`| CPU | ${cpus[0]?.model?.trim() ?? '?'} |`);
  lines.push(`| cores | ${CPU_COUNT} (${cpu.note}) |`);
  lines.push(`| memory | ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB |`);
  lines.push(`| OS | ${os.type()} ${os.release()} |`);
  lines.push(`| Node | ${process.version} |`);
  lines.push(
    `| Nest | @nestjs/core ${versionOf('@nestjs/core')}, @nestjs/platform-express ${versionOf('@nestjs/platform-express')} (Express ${versionOf('express')}) |`,
  );
  lines.push(`| nestjs-inkbox | ${versionOf('nestjs-inkbox')}, built from this tree |`);
  lines.push(
    `| peer | @golevelup/nestjs-stripe ${versionOf('@golevelup/nestjs-stripe')}, stripe ${versionOf('stripe')} |`,
  );
  lines.push(
    `| validation | class-validator ${versionOf('class-validator')}, class-transformer ${versionOf('class-transformer')} |`,
  );
  lines.push(
    `| load generator | autocannon ${versionOf('autocannon')}, ${MODE.connections} connections, pipelining 1, on 127.0.0.1 |`,
  );
  lines.push(
    `| load average (1 min) | ${machine.loadStart[0].toFixed(2)} at start, ${machine.loadEnd[0].toFixed(2)} at end |`,
  );
  lines.push(
    `| other work's load | ${machine.otherLoad === undefined ? 'not measured' : `${fmt(machine.otherLoad, 2)} cores on average over ${fmt(machine.seconds)} s`} |`,
  );
  lines.push('');
  lines.push('## Method', '');
  lines.push(
    `Every server runs in its own process (${cpu.pinned ? 'all on one CPU, one at a time, the load generator on another' : 'not pinned'}), ${MODE.freshPerSize ? 'started afresh for each body size' : 'started once'}. Per body size, each server gets a warm-up, then after one uncounted settling round ${SIZES.map((s) => `${MODE.sizes[s.id].cycles} rounds (${s.label})`).join(' and ')}: in each round every server in turn, the order rotating, gets one measured burst of ${SIZES.map((s) => `${MODE.sizes[s.id].burst} s`).join(' / ')} at ${MODE.connections} connections. Interleaving short bursts makes changes in the machine's load hit all servers alike. Every request is a distinct event with its own id, correctly signed (Inkbox: X-Inkbox-* headers; peer: Stripe-Signature) before its burst; every answer is checked (status and body) and any wrong answer fails the harness.`,
    '',
    `req/s counts correct answers per second of a burst; the table gives the median over rounds. "CPU/req" is the CPU time (user + system, all threads) the server process used during a burst, per answer: it measures the work done rather than the share of the machine obtained, so its ratios cross-check the throughput ratios on a busy machine. Latencies are autocannon's per burst (median over rounds); peak RSS is the process's VmHWM after its last burst of that size${MODE.freshPerSize ? ' (fresh processes for each body size)' : ' (quick mode: the same processes serve both sizes)'}. Ratios are the median over rounds of the ratio within each round; the ratio of every round is listed.`,
    '',
  );

  for (const size of SIZES) {
    lines.push(`## Throughput, ${size.label} bodies`, '');
    lines.push(
      '| server | CPU/req µs | req/s | Redis round-trips / delivery | p50 ms | p99 ms | peak RSS MiB | load generator CPU (max) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    lines.push(...throughputRows(helpers(runs), VARIANTS, size));
    lines.push('');
    if (size.id === '2k') lines.push(...scaleOutLines(helpers(runs), worker));
  }

  const has = (id) => VARIANTS.some((v) => v.id === id);
  lines.push('## Ratios', '');
  lines.push(
    "The primary figure is the CPU ratio: the other server's CPU time per answer over ours (above 1: ours does the same work in less CPU), the median over rounds of the ratio within each round. It holds on a machine shared with other work. The req/s ratio (ours over the other) is given beside it as a cross-check; targets are judged on the CPU ratio.",
    '',
  );
  lines.push(
    '| ratio | ' +
      SIZES.map((s) => `${s.label} CPU`).join(' | ') +
      ' | ' +
      SIZES.map((s) => `${s.label} req/s`).join(' | ') +
      ' | target (CPU) | met |',
    '|---|' + SIZES.map(() => '---:|').join('') + SIZES.map(() => '---:|').join('') + '---|---|',
  );
  const targets = [
    ['ours', 'ceiling', 'nestjs-inkbox / ceiling', 0.9, '2k', '≥ 0.90 at 2 KiB'],
    ['ours', 'hand-rolled', 'nestjs-inkbox / hand-rolled', 0.95, 'all', '≥ 0.95'],
    ['ours', 'peer', 'nestjs-inkbox / @golevelup/nestjs-stripe', 1.05, '2k', '≥ 1.05 at 2 KiB'],
    ['ours-fastify', 'ceiling-fastify', 'Fastify: nestjs-inkbox / ceiling', 0.9, '2k', '≥ 0.90 at 2 KiB'],
    [
      'ours-redis',
      'ours',
      'nestjs-inkbox with the Redis store / with the memory store',
      undefined,
      '',
      'the cost of Redis',
    ],
    [
      'queue-receiver',
      'ours',
      'queue-mode receiver / nestjs-inkbox inline (memory store)',
      undefined,
      '',
      'the cost of queueing',
    ],
    ['ours-cv', 'ceiling', 'before (class-validator path) / ceiling', undefined, '', 'before'],
    ['ours-cv', 'hand-rolled', 'before (class-validator path) / hand-rolled', undefined, '', 'before'],
    ['ours', 'ours-cv', 'nestjs-inkbox / before', undefined, '', 'gain'],
  ];
  for (const [a, b, label, min, where, text] of targets) {
    if (!has(a) || !has(b)) continue;
    const cells = SIZES.map((s) => ratio(a, b, s.id));
    const cpuCells = SIZES.map((s) => ratio(a, b, s.id, true));
    let met = '';
    if (min !== undefined) {
      const checked = SIZES.map((s, i) => [s, cpuCells[i].median]).filter(([s]) => where === 'all' || s.id === where);
      met = checked.length === 0 ? 'n/a' : checked.every(([, r]) => r >= min) ? 'yes' : 'no';
    }
    lines.push(
      `| ${label} | ${cpuCells.map((c) => (c.rounds.length === 0 ? '—' : `**${fmt(c.median, 2)}** (${c.rounds.map((r) => fmt(r, 2)).join(', ')})`)).join(' | ')} | ${cells.map((c) => (c.rounds.length === 0 ? '—' : fmt(c.median, 2))).join(' | ')} | ${text} | ${met} |`,
    );
  }
  lines.push('', 'In parentheses: the ratio of each round.', '');

  if (nest12) {
    const h = helpers(nest12);
    const size = SIZES.find((x) => x.id === '2k');
    lines.push(`## Nest 12 (supplementary: the project's own @nestjs/* ${versionOf12()}, 2 KiB)`, '');
    lines.push(
      'The peer cannot run on Nest 12, so the main tables use Nest 11 for all four servers; this run repeats the others (Express and Fastify) on Nest 12, the same way.',
      '',
    );
    lines.push(
      '| server | CPU/req µs | req/s | Redis round-trips / delivery | p50 ms | p99 ms | peak RSS MiB | load generator CPU (max) |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    lines.push(...throughputRows(h, VARIANTS, size), '');
    lines.push('| ratio | CPU | req/s | target (CPU) |', '|---|---:|---:|---|');
    for (const [a, b, label, text] of [
      ['ours', 'ceiling', 'nestjs-inkbox / ceiling', '≥ 0.90'],
      ['ours', 'hand-rolled', 'nestjs-inkbox / hand-rolled', '≥ 0.95'],
      ['ours-fastify', 'ceiling-fastify', 'Fastify: nestjs-inkbox / ceiling', '≥ 0.90'],
    ]) {
      if (h.by(a, '2k').length === 0 || h.by(b, '2k').length === 0) continue;
      const r = h.ratio(a, b, '2k', true);
      lines.push(
        `| ${label} | **${fmt(r.median, 2)}** (${r.rounds.map((x) => fmt(x, 2)).join(', ')}) | ${fmt(h.ratio(a, b, '2k').median, 2)} | ${text} |`,
      );
    }
    lines.push('');
  }

  if (micro) {
    lines.push('## verifyInkboxSignature vs a bare createHmac + timingSafeEqual (same bytes, one key, CPU time)', '');
    lines.push(
      '| body | createHmac + timingSafeEqual µs | verifyInkboxSignature µs | ratio | target |',
      '|---|---:|---:|---:|---|',
    );
    for (const [label, m] of Object.entries(micro.verify)) {
      lines.push(
        `| ${label} | ${fmt(m.createHmacNs / 1000, 2)} | ${fmt(m.verifyNs / 1000, 2)} | ${fmt(m.ratio, 3)} | ${label === '2 KiB' ? `≤ 1.15: ${m.ratio <= 1.15 ? 'met' : 'missed'}` : ''} |`,
      );
    }
    lines.push('', '## Key list (matching key last)', '');
    lines.push('| body | 1 key µs | 10 keys µs | 100 keys µs | 100 keys / 1 key |', '|---|---:|---:|---:|---:|');
    for (const [label, k] of Object.entries(micro.keys)) {
      lines.push(
        `| ${label} | ${fmt(k['1'].ns / 1000, 2)} | ${fmt(k['10'].ns / 1000, 2)} | ${fmt(k['100'].ns / 1000, 1)} | ${fmt(k['100'].vsOneKey, 1)} |`,
      );
    }
    lines.push(
      '',
      'Every key is an HMAC over the whole body, so the cost grows linearly with the number of keys tried.',
      '',
    );
    lines.push('## Parse + validate (one event, in process, CPU time)', '');
    lines.push(
      '| body | JSON.parse only µs | class-transformer + class-validator µs | compiled (parseInkboxEvent) µs | compiled / JSON.parse | target | speed-up over class-validator |',
      '|---|---:|---:|---:|---:|---|---:|',
    );
    for (const [label, p] of Object.entries(micro.parse)) {
      const overParse = p.compiledNs / p.jsonParseNs;
      lines.push(
        `| ${label} | ${fmt(p.jsonParseNs / 1000, 1)} | ${fmt(p.classValidatorNs / 1000, 1)} | ${fmt(p.compiledNs / 1000, 1)} | ${fmt(overParse, 2)} | ${label === '2 KiB' && p.cleanCompiledNs === undefined ? `≤ 2: ${overParse <= 2 ? 'met' : 'missed'}` : ''} | ${fmt(p.speedup, 1)}× |`,
      );
    }
    const clean = micro.parse['2 KiB'];
    if (clean?.cleanCompiledNs !== undefined) {
      const ratio = clean.cleanCompiledNs / clean.cleanJsonParseNs;
      lines.push(
        '',
        `The rows above run the three paths side by side, so the compiled path runs after class-transformer and class-validator have (they share class-validator's constraint functions, whose type feedback then covers both). Measured first, before the class-validator path ever ran in the process, as in a server that receives valid events: 2 KiB compiled ${fmt(clean.cleanCompiledNs / 1000, 1)} µs, JSON.parse only ${fmt(clean.cleanJsonParseNs / 1000, 1)} µs, ratio ${fmt(ratio, 2)} (target ≤ 2: ${ratio <= 2 ? 'met' : 'missed'}; the mixed figure above: ${fmt(clean.compiledNs / clean.jsonParseNs, 2)}).`,
      );
    }
    lines.push('');
    if (micro.store) {
      lines.push('## In-memory idempotency store', '');
      lines.push(
        `${fmt(micro.store.bytesPerEvent)} bytes per remembered event (live heap plus array buffers after a full GC, ${micro.store.events} events with ${micro.store.keyLength}-character \`evt_…\` keys, one handler; target ≤ 150: ${micro.store.bytesPerEvent <= 150 ? 'met' : 'missed'}). The store's own estimate, which idempotency.maxBytes bounds (default 32 MiB), is ${fmt(micro.store.estimatedBytesPerEvent)} bytes per event.`,
        '',
      );
    }
  }

  if (enhancers)
    lines.push(
      ...enhancerLines(
        enhancers,
        median(runs.filter((r) => r.variant === 'ours' && r.size === '2k' && !r.summary).map((r) => r.cpuPerRequest)),
      ),
    );

  if (rss) {
    lines.push(`## Peak RSS over a long run (nestjs-inkbox, distinct 2 KiB events, ${fmt(rss.rps)} req/s)`, '');
    lines.push(
      '| after | peak RSS MiB | V8 heap used MiB | V8 heap total MiB | events in the idempotency store |',
      '|---:|---:|---:|---:|---:|',
    );
    for (const c of rss.checkpoints)
      lines.push(
        `| ${c.seconds} s${c.full ? ' (store full)' : ''} | ${mib(c.peakRss)} | ${mib(c.heapUsed)} | ${mib(c.heapTotal)} | ${c.storeSize ?? '?'} |`,
      );
    if (rss.growth !== undefined)
      lines.push(
        '',
        `Growth from ${rss.from.seconds} s${rss.from.full ? ' (the store full: every new event now evicts the oldest)' : ' (the store never filled in this run)'} to ${rss.to.seconds} s: ${fmt((rss.growth - 1) * 100, 1)} % (target once the store is full: within 10 %: ${rss.growth <= 1.1 && rss.from.full ? 'met' : 'missed'}).`,
      );
    lines.push(
      '',
      `Peak RSS every 5 s: ${rss.timeline.map((t) => `${t.seconds} s ${mib(t.peakRss)}`).join(', ')} MiB.`,
      '',
    );
    if (micro?.store) {
      lines.push(
        `The default in-memory idempotency store keeps up to 100 000 events (idempotency.maxEntries) and at most 32 MiB (idempotency.maxBytes) for 72 h; each event costs about ${fmt(micro.store.bytesPerEvent)} bytes (measured in process over ${micro.store.events} events). Until a bound is reached the memory grows with the number of distinct events, and V8 sizes the heap (and so the RSS) with headroom above the live data.`,
        '',
      );
    }
  }

  if (profiles) {
    lines.push('## CPU profiles (2 KiB, 4 s under load)', '');
    for (const [id, p] of Object.entries(profiles)) {
      lines.push(`### ${id} (${fmt(p.rps)} req/s while profiled; ${p.file})`, '');
      lines.push('| self time by origin | share |', '|---|---:|');
      for (const o of p.byOrigin.slice(0, 12)) lines.push(`| ${o.where} | ${o.share} % |`);
      lines.push('', '| function | where | share |', '|---|---|---:|');
      for (const f of p.byFunction.slice(0, 15)) lines.push(`| ${f.name} | ${f.where} | ${f.share} % |`);
      lines.push('');
    }
  }

  lines.push('## How to run', '');
  lines.push(
    '`npm run bench` (about 5 minutes; writes this file on a quiet machine), `npm run bench -- --nest12` (adds the Nest 12 section, about a minute more), or `npm run bench -- --quick` (under a minute; a smoke test for CI, writes to the temporary directory). The harness installs its own dependencies (bench/package.json) on first use and builds the library from lib/. bench/README.md explains the method and how to read the figures.',
    '',
  );
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error?.stack ?? error);
  process.exitCode = 1;
});
