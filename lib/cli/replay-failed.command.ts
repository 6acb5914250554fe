import { parseArgs } from 'node:util';
import type { InkboxReplayFailedDeliveriesResult, InkboxWebhookDelivery } from '../admin/index.js';
import { DEFAULT_API_BASE_URL } from '../inkbox.constants.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, describeError, type CliIo } from './cli-io.js';
import { CLI_MESSAGES, toCliWording } from './cli.messages.js';
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

interface AdminService {
  replayFailedDeliveries(filter: {
    since?: Date;
    eventType?: string;
    subscriptionId?: string;
    limit?: number;
  }): Promise<InkboxReplayFailedDeliveriesResult>;
}

interface AdminModule {
  InkboxAdminService: new (options: unknown) => AdminService;
}

/** A `replay-failed` command line, checked and read. */
interface ReplayRequest {
  apiKey: string;
  apiBaseUrl: string;
  since: Date;
  eventType: string | undefined;
  subscriptionId: string | undefined;
  limit: number | undefined;
  json: boolean;
}

/** What came of a `replay-failed`. */
type ReplayOutcome = { kind: 'done'; result: InkboxReplayFailedDeliveriesResult } | { kind: 'error'; message: string };

// ------------------------------------------------------------------ parse

/** Reads a `replay-failed` command line; `undefined` when only the help was asked for. */
export function parseReplayFailedCommand(args: string[], io: CliIo): ReplayRequest | undefined {
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
  if (values.help) return undefined;
  if (positionals.length > 0) {
    throw new CliUsageError(`replay-failed takes no arguments besides options (got "${positionals[0]}").`);
  }
  if (values['api-key']) io.addSecret(values['api-key']);
  const apiKey = values['api-key'] || io.env.INKBOX_API_KEY;
  if (!apiKey) throw new CliUsageError(CLI_MESSAGES.noApiKey);
  if (values.since === undefined) throw new CliUsageError(CLI_MESSAGES.sinceRequired);
  const apiBaseUrl = values['api-base-url'] || io.env.INKBOX_API_BASE_URL || DEFAULT_API_BASE_URL;
  if (!/^https?:\/\/[^/]/.test(apiBaseUrl)) {
    throw new CliUsageError(
      `--api-base-url must be an absolute http(s) URL such as ${DEFAULT_API_BASE_URL} (got "${apiBaseUrl}").`,
    );
  }
  return {
    apiKey,
    apiBaseUrl,
    since: parseSince(values.since, Date.now()),
    eventType: values['event-type'],
    subscriptionId: values.subscription,
    limit: parseWholeNumber(values.limit, '--limit', 1),
    json: values.json === true,
  };
}

// ------------------------------------------------------------------ run

/** Loads the admin service lazily: it needs @nestjs/common, a peer dependency of the package. */
async function createAdminService(request: ReplayRequest): Promise<AdminService> {
  // The admin service loads the event classes, whose decorators need the metadata polyfill.
  await import('reflect-metadata');
  const loaded = (await import('../admin/index.js')) as unknown as AdminModule & { default?: AdminModule };
  const admin = typeof loaded.InkboxAdminService === 'function' ? loaded : loaded.default!;
  const { resolveInkboxOptions } = await import('../options/inkbox-options.js');
  // The admin client needs no signing key; an empty resolver satisfies the module options.
  const options = resolveInkboxOptions({
    signingKey: () => [],
    apiKey: request.apiKey,
    apiBaseUrl: request.apiBaseUrl,
  });
  return new admin.InkboxAdminService(options);
}

/** Sends the admin client's warnings and errors (its retries) to stderr, and silences its progress log. */
async function routeAdminLog(io: CliIo): Promise<void> {
  const common = await import('@nestjs/common');
  common.Logger.overrideLogger({
    log: () => undefined,
    warn: (message: unknown) => io.err(`warning: ${toCliWording(String(message))}\n`),
    error: (message: unknown) => io.err(`error: ${toCliWording(String(message))}\n`),
  });
}

/** Replays the failed deliveries; never throws (the outcome carries the error, worded for the CLI). */
export async function runReplayFailedRequest(request: ReplayRequest, io: CliIo): Promise<ReplayOutcome> {
  let service: AdminService;
  try {
    await routeAdminLog(io);
    service = await createAdminService(request);
  } catch (error) {
    const text = describeError(error);
    if (/Cannot find (module|package)/.test(text)) return { kind: 'error', message: CLI_MESSAGES.noNestCommon };
    return { kind: 'error', message: `nestjs-inkbox replay-failed: ${toCliWording(text)}` };
  }
  try {
    const { since, eventType, subscriptionId, limit } = request;
    return { kind: 'done', result: await service.replayFailedDeliveries({ since, eventType, subscriptionId, limit }) };
  } catch (error) {
    return { kind: 'error', message: `nestjs-inkbox replay-failed: ${toCliWording(describeError(error))}` };
  }
}

// ------------------------------------------------------------------ print

function short(delivery: InkboxWebhookDelivery): string {
  return `${delivery.event_type.padEnd(20)} ${(delivery.event_id || '(no event id)').padEnd(24)} delivery ${delivery.id}`;
}

function entry(delivery: InkboxWebhookDelivery): { deliveryId: string; eventId: string; eventType: string } {
  return { deliveryId: delivery.id, eventId: delivery.event_id, eventType: delivery.event_type };
}

function printJson(request: ReplayRequest, result: InkboxReplayFailedDeliveriesResult, io: CliIo): void {
  const replayed = result.replayed.map((r) => ({
    ...entry(r.delivery),
    replayId: r.replay.id,
    responseStatus: r.replay.response_status,
  }));
  const failed = result.failed.map((f) => ({ ...entry(f.delivery), reason: f.reason }));
  const skipped = result.skipped.map((s) => ({ ...entry(s.delivery), reason: s.reason }));
  io.out(
    `${JSON.stringify({ ok: failed.length === 0, since: request.since.toISOString(), replayed, failed, skipped })}\n`,
  );
}

function printText(result: InkboxReplayFailedDeliveriesResult, io: CliIo): void {
  for (const r of result.replayed) {
    const status = r.replay.response_status;
    const answered = typeof status === 'number' ? `, your endpoint answered ${status}` : '';
    io.out(`  replayed  ${short(r.delivery)} -> ${r.replay.id}${answered}\n`);
  }
  for (const f of result.failed) io.out(`  FAILED    ${short(f.delivery)}: ${f.reason}\n`);
  for (const s of result.skipped) io.out(`  skipped   ${short(s.delivery)}: ${s.reason}\n`);
  const total = result.replayed.length + result.failed.length + result.skipped.length;
  if (total === 0) io.out('  no failed deliveries in that period\n');
  const counts = `${result.replayed.length} replayed, ${result.failed.length} failed, ${result.skipped.length} not replayable`;
  io.out(`\n${counts}.\n`);
}

/** Prints the outcome of a `replay-failed` and returns the exit code. */
export function printReplayOutcome(request: ReplayRequest, outcome: ReplayOutcome, io: CliIo): number {
  if (outcome.kind === 'error') {
    io.err(`${outcome.message}\n`);
    return EXIT_FAILURE;
  }
  if (request.json) printJson(request, outcome.result, io);
  else printText(outcome.result, io);
  return outcome.result.failed.length === 0 ? EXIT_OK : EXIT_FAILURE;
}

/** `nestjs-inkbox replay-failed`: replays failed deliveries through the admin API. */
export async function runReplayFailed(args: string[], io: CliIo): Promise<number> {
  const request = parseReplayFailedCommand(args, io);
  if (!request) {
    io.out(REPLAY_FAILED_HELP);
    return EXIT_OK;
  }
  if (!request.json)
    io.out(`Replaying failed deliveries since ${request.since.toISOString()} (${request.apiBaseUrl})\n\n`);
  return printReplayOutcome(request, await runReplayFailedRequest(request, io), io);
}
