#!/usr/bin/env node
// Queue delivery next to inline delivery (`npm run bench:queue`): receiver throughput and ack latency
// at 2 KiB bodies with a 1 s handler, 16 connections, one server process each (servers/queue-server.cjs),
// on the project's own Nest 12 and a redis-server (REDIS_URL, else one started here). Inline answers
// after the handler; queue answers once Redis has the job. Prints a Markdown table.
//   --seconds=N   measured time per variant (default 10)
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './lib/load.mjs';
import { SignedRequestSource } from './lib/requests.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const OUT = join(ROOT, 'node_modules', '.cache', 'nestjs-inkbox-bench-queue');
const KEY = 'whsec_bench_queue_c2lnbmluZy1rZXk';
const SECONDS = Number((process.argv.find((a) => a.startsWith('--seconds=')) ?? '--seconds=10').split('=')[1]);
const children = new Set();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function build() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(
    process.execPath,
    [
      tsc,
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      join(OUT, 'cjs'),
      '--noCheck',
      '--sourceMap',
      'false',
      '--declaration',
      'false',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  mkdirSync(join(OUT, 'cjs'), { recursive: true });
  writeFileSync(join(OUT, 'cjs', 'package.json'), '{"type":"commonjs"}\n');
  return join(OUT, 'cjs', 'index.js');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function redisUrl() {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  children.add(child);
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = net.createConnection({ host: '127.0.0.1', port }, () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    await sleep(50);
  }
  return `redis://127.0.0.1:${port}`;
}

function startServer(variant, env) {
  const child = spawn(process.execPath, [join(BENCH, 'servers', 'queue-server.cjs'), variant], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.includes('"ready"'));
      if (line) resolve({ child, port: JSON.parse(line).port });
    });
    child.once('exit', (code) => reject(new Error(`${variant} server exited (code ${code})`)));
  });
}

async function main() {
  const lib = build();
  const url = await redisUrl();
  const require = createRequire(import.meta.url);
  const { createInkboxEvent } = require(join(OUT, 'cjs', 'testing', 'index.js'));
  const Redis = require('ioredis');
  const rows = [];
  for (const variant of ['inline', 'queue']) {
    const queueName = `inkbox-bench-${randomUUID()}`;
    const { child, port } = await startServer(variant, {
      INKBOX_LIB: lib,
      BENCH_INKBOX_KEY: KEY,
      REDIS_URL: url,
      QUEUE_NAME: queueName,
    });
    const source = new SignedRequestSource({
      kind: 'inkbox',
      size: 2048,
      secret: KEY,
      inkboxEvent: createInkboxEvent('message.received'),
    });
    source.prepare(variant === 'inline' ? 1_000 : 20_000);
    const body = JSON.stringify({ outcome: variant === 'inline' ? 'processed' : 'queued' });
    await runLoad({
      port,
      path: '/inkbox/webhooks',
      source,
      connections: 16,
      seconds: 2,
      expectStatus: 200,
      expectBody: body,
    }); // warm-up
    const run = await runLoad({
      port,
      path: '/inkbox/webhooks',
      source,
      connections: 16,
      seconds: SECONDS,
      expectStatus: 200,
      expectBody: body,
    });
    rows.push({ variant, ...run });
    child.kill('SIGKILL');
    if (variant === 'queue') {
      const redis = new Redis(url);
      for (const pattern of [`bull:${queueName}:*`, `${queueName}:idem:*`]) {
        const keys = await redis.keys(pattern);
        for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
      }
      await redis.quit();
    }
  }
  console.log(`\n2 KiB bodies, one message.received handler taking 1 s, 16 connections, ${SECONDS} s each:\n`);
  console.log('| delivery | answers/s | ack p50 | ack p99 | errors |');
  console.log('|---|---:|---:|---:|---:|');
  for (const r of rows) {
    const p = r.problems;
    console.log(
      `| ${r.variant === 'inline' ? 'inline (answers after the handler)' : 'queue (answers once Redis has the job)'} | ${r.rps.toFixed(0)} | ${r.p50} ms | ${r.p99} ms | ${p.errors + p.timeouts + p.mismatches + p.unexpectedStatus} |`,
    );
  }
  console.log(
    '\n(queue: the 1 s handlers run on the worker of the same process afterwards; jobs added faster than they can run wait in Redis)',
  );
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) c.kill('SIGKILL');
  });
