import { parseArgs } from 'node:util';
import type { InkboxReplayFailedDeliveriesResult, InkboxWebhookDelivery } from '../admin/index.js';
import { DEFAULT_API_BASE_URL } from '../inkbox.constants.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, describeError, type CliIo } from './cli-io.js';
import { parseSince, parseWholeNumber } from './cli-values.js';

/** Help text of `nestjs-inkbox replay-failed`. */
export const REPLAY_FAILED_HELP = `Usage: nestjs-inkbox replay-failed --since <time> [options]

Asks Inkbox to send again every webhook delivery that failed since <time>: each event once per
subscription, from its newest failed attempt (InkboxAdminService.replayFailedDeliveries). Use it
once the cause of the failures (a bug, a wrong key, an outage) is fixed. Replays are signed anew
and keep the event id, so handlers that already succeeded are not run twice.
Exits 0 when every replay was accepted (or there was nothing to replay), 1 otherwise.

Options:
  --since <time>         how far back: a duration (90s, 30m, 6h, 2d, 1w), unix seconds or an
                         ISO-8601 time (required)
  --api-key <key>        Inkbox API key. Default: the INKBOX_API_KEY variable
  --api-base-url <url>   Inkbox API base URL. Default: INKBOX_API_BASE_URL, else ${DEFAULT_API_BASE_URL}
  --event-type <type>    only deliveries of this event type, e.g. message.received
  --subscription <id>    only deliveries of this webhook subscription
  --limit <n>            replay at most n events
  --json                 print one JSON object instead of text
  -h, --help             show this help

The API key is never printed. Prefer INKBOX_API_KEY to --api-key: arguments are visible in
shell history and process lists. Needs @nestjs/common (a peer dependency of nestjs-inkbox):
run it from your Nest project, e.g. with npx.

Example:
  INKBOX_API_KEY=... nestjs-inkbox replay-failed --since 6h --event-type message.received
`;

interface AdminModule {
  InkboxAdminService: new (options: unknown) => {
    replayFailedDeliveries(filter: { since?: Date; eventType?: string; subscriptionId?: string; limit?: number }): Promise<InkboxReplayFailedDeliveriesResult>;
  };
}

function short(delivery: InkboxWebhookDelivery): string {
  return `${delivery.event_type.padEnd(20)} ${(delivery.event_id || '(no event id)').padEnd(24)} delivery ${delivery.id}`;
}

/** `nestjs-inkbox replay-failed`: replays failed deliveries through the admin API. */
export async function runReplayFailed(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      since: { type: 'string' },
      'api-key': { type: 'string' },
      'api-base-url': { type: 'string' },
      'event-type': { type: 'string' },
      subscription: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(REPLAY_FAILED_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new CliUsageError(`replay-failed takes no arguments besides options (got "${positionals[0]}").`);
  if (values['api-key']) io.addSecret(values['api-key']);
  const apiKey = values['api-key'] || io.env.INKBOX_API_KEY;
  if (!apiKey) throw new CliUsageError('no API key: set the INKBOX_API_KEY environment variable or pass --api-key <key>.');
  if (values.since === undefined) throw new CliUsageError('--since is required, e.g. --since 6h or --since 2026-05-17T09:00:00Z');
  const since = parseSince(values.since, Date.now());
  const limit = parseWholeNumber(values.limit, '--limit', 1);
  const apiBaseUrl = values['api-base-url'] || io.env.INKBOX_API_BASE_URL || DEFAULT_API_BASE_URL;

  let common: typeof import('@nestjs/common');
  let admin: AdminModule;
  let options: unknown;
  try {
    // The admin service loads the event classes, whose decorators need the metadata polyfill.
    await import('reflect-metadata');
    common = await import('@nestjs/common');
    const loaded = (await import('../admin/index.js')) as unknown as AdminModule & { default?: AdminModule };
    admin = typeof loaded.InkboxAdminService === 'function' ? loaded : loaded.default!;
    const { resolveInkboxOptions } = await import('../options/inkbox-options.js');
    // The admin client needs no signing key; an empty resolver satisfies the module options.
    options = resolveInkboxOptions({ signingKey: () => [], apiKey, apiBaseUrl });
  } catch (error) {
    if (/Cannot find (module|package)/.test(describeError(error))) {
      io.err('nestjs-inkbox replay-failed: @nestjs/common is not installed here. Run the command from your Nest project (npx nestjs-inkbox …).\n');
      return EXIT_FAILURE;
    }
    throw new CliUsageError(describeError(error));
  }
  // Retries and failures of the admin client are worth seeing, on stderr; its progress log is not.
  common.Logger.overrideLogger({
    log: () => undefined,
    warn: (message: unknown) => io.err(`warning: ${String(message)}\n`),
    error: (message: unknown) => io.err(`error: ${String(message)}\n`),
  });

  if (!values.json) io.out(`Replaying failed deliveries since ${since.toISOString()} (${apiBaseUrl})\n\n`);
  let result: InkboxReplayFailedDeliveriesResult;
  try {
    const service = new admin.InkboxAdminService(options);
    result = await service.replayFailedDeliveries({ since, eventType: values['event-type'], subscriptionId: values.subscription, limit });
  } catch (error) {
    io.err(`nestjs-inkbox replay-failed: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }

  if (values.json) {
    io.out(
      `${JSON.stringify({
        ok: result.failed.length === 0,
        since: since.toISOString(),
        replayed: result.replayed.map((r) => ({ deliveryId: r.delivery.id, eventId: r.delivery.event_id, eventType: r.delivery.event_type, replayId: r.replay.id, responseStatus: r.replay.response_status })),
        failed: result.failed.map((f) => ({ deliveryId: f.delivery.id, eventId: f.delivery.event_id, eventType: f.delivery.event_type, reason: f.reason })),
        skipped: result.skipped.map((s) => ({ deliveryId: s.delivery.id, eventId: s.delivery.event_id, eventType: s.delivery.event_type, reason: s.reason })),
      })}\n`,
    );
  } else {
    for (const r of result.replayed) {
      const answered = typeof r.replay.response_status === 'number' ? `, your endpoint answered ${r.replay.response_status}` : '';
      io.out(`  replayed  ${short(r.delivery)} -> ${r.replay.id}${answered}\n`);
    }
    for (const f of result.failed) io.out(`  FAILED    ${short(f.delivery)}: ${f.reason}\n`);
    for (const s of result.skipped) io.out(`  skipped   ${short(s.delivery)}: ${s.reason}\n`);
    const total = result.replayed.length + result.failed.length + result.skipped.length;
    if (total === 0) io.out('  no failed deliveries in that period\n');
    io.out(`\n${result.replayed.length} replayed, ${result.failed.length} failed, ${result.skipped.length} not replayable.\n`);
  }
  return result.failed.length === 0 ? EXIT_OK : EXIT_FAILURE;
}
