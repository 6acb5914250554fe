#!/usr/bin/env node
// Queue delivery next to inline delivery (`npm run bench:queue`): receiver throughput and ack latency
// at 2 KiB bodies with a 1 s handler, 16 connections, one server process each (servers/queue-server.cjs),
// on the project's own Nest 12 and a redis-server (REDIS_URL, else one started here). Inline answers
// after the handler; queue answers once Redis has the job. Prints a Markdown table.
//   --seconds=N   measured time per variant (default 10)
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLibraryCjs, childProcesses, redisUrlOrOwn } from '../scripts/lib/run-support.mjs';
import { runLoad } from './lib/load.mjs';
import { SignedRequestSource } from './lib/requests.mjs';
import { ServerProcess } from './lib/server-process.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const OUT = join(ROOT, 'node_modules', '.cache', 'nestjs-inkbox-bench-queue');
const KEY = 'whsec_bench_queue_c2lnbmluZy1rZXk';
const SECONDS = Number((process.argv.find((a) => a.startsWith('--seconds=')) ?? '--seconds=10').split('=')[1]);
const children = childProcesses();

async function main() {
  const lib = buildLibraryCjs(ROOT, OUT, { log: (line) => console.log(line) });
  const url = await redisUrlOrOwn(children);
  const require = createRequire(import.meta.url);
  const { createInkboxEvent } = require(join(OUT, 'cjs', 'testing', 'index.js'));
  const Redis = require('ioredis');
  const rows = [];
  for (const variant of ['inline', 'queue']) {
    const queueName = `inkbox-bench-${randomUUID()}`;
    // the project's own Nest 12 and this build of the library
    const server = await new ServerProcess({
      script: join(BENCH, 'servers', 'queue-server.cjs'),
      variant,
      env: { BENCH_NEST_ROOT: ROOT, INKBOX_LIB: lib, BENCH_INKBOX_KEY: KEY, REDIS_URL: url, QUEUE_NAME: queueName },
      cwd: ROOT,
    }).start();
    const { port } = server;
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
    server.signal('SIGKILL');
    await server.exited;
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
  .finally(() => children.killAll());
