import { parseArgs } from 'node:util';
import { loadBullMq } from '../queue/load-bullmq.js';
import { InkboxQueueInspector } from '../queue/inkbox-queue.inspector.js';
import { CliUsageError, EXIT_OK, type CliIo } from './cli-io.js';
import { parseWholeNumber } from './cli-values.js';

/** Help text of `nestjs-inkbox queue`. */
export const QUEUE_HELP = `Usage: nestjs-inkbox queue <stats | failed | retry> [options]

Looks at the BullMQ queue of queue delivery (delivery: { mode: 'queue' }):
  stats     job counts: waiting, active, delayed, failed, completed
  failed    the jobs that used up their attempts, newest first: event id, type, attempts, last error
  retry     runs failed jobs again with fresh attempts (every failed job, or --event <id> ones);
            only the handlers that have not completed for an event run again

Options:
  --redis-url <url>   Redis of the queue. Default: the REDIS_URL variable
  --queue <name>      queue name. Default: inkbox
  --prefix <prefix>   BullMQ key prefix. Default: bull
  --limit <n>         failed: list at most n jobs (default 20)
  --event <id>        retry: only this event (repeatable)
  --json              print JSON instead of text
  -h, --help          show this help

Needs the bullmq package (installed with queue mode). The Redis URL is never printed.

Example:
  REDIS_URL=redis://127.0.0.1:6379 nestjs-inkbox queue failed --limit 5
`;

/** `nestjs-inkbox queue`: counts, lists and retries the jobs of the Inkbox queue. */
export async function runQueue(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'redis-url': { type: 'string' },
      queue: { type: 'string' },
      prefix: { type: 'string' },
      limit: { type: 'string' },
      event: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(QUEUE_HELP);
    return EXIT_OK;
  }
  const [action, ...rest] = positionals;
  if (action !== 'stats' && action !== 'failed' && action !== 'retry')
    throw new CliUsageError('say what to do: queue stats, queue failed or queue retry.');
  if (rest.length > 0) throw new CliUsageError(`unexpected argument "${rest[0]}".`);
  const url = values['redis-url'] || io.env.REDIS_URL;
  if (!url) throw new CliUsageError('no Redis: pass --redis-url <url> or set REDIS_URL.');
  io.addSecret(url);
  const limit = parseWholeNumber(values.limit, '--limit', 1) ?? 20;
  const { Queue } = loadBullMq();
  const queue = new Queue(values.queue || 'inkbox', {
    connection: {
      url,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 5_000,
      retryStrategy: () => null,
    },
    ...(values.prefix ? { prefix: values.prefix } : {}),
  });
  queue.on('error', () => undefined); // reported by the failing call below
  try {
    const inspector = new InkboxQueueInspector(queue);
    if (action === 'stats') {
      const counts = await inspector.counts();
      io.out(
        values.json
          ? `${JSON.stringify(counts)}\n`
          : `${Object.entries(counts)
              .map(([k, v]) => `${k.padEnd(10)} ${v}`)
              .join('\n')}\n`,
      );
    } else if (action === 'failed') {
      const failed = await inspector.failed(limit);
      if (values.json) io.out(`${JSON.stringify(failed)}\n`);
      else if (failed.length === 0) io.out('no failed jobs\n');
      else
        for (const f of failed)
          io.out(
            `${f.eventId}  ${f.eventType}  attempts ${f.attempts}  ${f.failedAt?.toISOString() ?? ''}\n  ${f.lastError}\n`,
          );
    } else {
      const result = await inspector.retryFailed(values.event);
      io.out(
        values.json
          ? `${JSON.stringify(result)}\n`
          : `retried ${result.retried} failed job${result.retried === 1 ? '' : 's'}\n`,
      );
    }
    return EXIT_OK;
  } finally {
    await queue.close().catch(() => undefined);
  }
}
