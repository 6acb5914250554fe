import { STATUS_CODES } from 'node:http';
import { parseArgs } from 'node:util';
import {
  CREATABLE_INKBOX_EVENT_TYPES as INKBOX_EVENT_TYPES,
  createInkboxEvent,
  isCreatableInkboxEventType,
} from '../delivery/create-inkbox-event.js';
import { mergeInkboxHeaders, sendInkboxWebhook, type InkboxDeliveryResponse } from '../delivery/send-inkbox-webhook.js';
import { signInkboxWebhook } from '../delivery/sign-inkbox-webhook.js';
import { DEFAULT_INCOMING_CALL_PATH, DEFAULT_WEBHOOK_PATH } from '../inkbox.constants.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, describeError, splitKeys, type CliIo } from './cli-io.js';
import { CLI_MESSAGES } from './cli.messages.js';
import { applyAssignment, readFileOption, readJsonObject } from './cli-values.js';

/** Help text of `nestjs-inkbox send`. */
export const SEND_HELP = `Usage: nestjs-inkbox send <event-type> --url <url> [options]

Sends one delivery signed exactly as Inkbox signs it, prints the HTTP status and the
answer, and exits 0 on a 2xx answer, 1 otherwise.

Event types: ${INKBOX_EVENT_TYPES.join(', ')}
The event is a realistic payload of that type with a fresh id; change it with --data and --set.
phone.incoming_call is the flat call Inkbox posts to a phone number's incoming-call URL; the
answer is printed as the decision (answer or reject).

Options:
  --url <url>             webhook URL, e.g. http://localhost:3000/inkbox/webhooks
                          (a URL without a path gets /inkbox/webhooks, or
                          /inkbox/incoming-call for phone.incoming_call)
  --signing-key <key>     key to sign with. Default: the INKBOX_SIGNING_KEY variable
                          (the first key, if it lists several separated by commas)
  --data <file>           JSON object merged into the generated event (objects merge,
                          arrays replace). May set "event_type" instead of <event-type>.
  --set <path=value>      set one field, e.g. --set data.message.subject=Hello or
                          --set 'data.message.to_addresses=["a@example.com"]'. The value is
                          read as JSON when it parses, otherwise as text. Repeatable.
  --body <file>           send this file's bytes unchanged instead of a generated event
                          (a captured payload, or malformed input); no <event-type> needed
  --request-id <id>       X-Inkbox-Request-ID to send. Default: a random UUID
  --timestamp <seconds>   X-Inkbox-Timestamp (unix seconds) to sign with. Default: now
  --header <Name: value>  add or replace a header after signing. Repeatable.
  --timeout <ms>          give up after this long without an answer. Default: 10000
  --json                  print one JSON object: ok, status, body, event, request
  --dry-run               print the signed request (headers and body) and send nothing
  -h, --help              show this help

The app must run with the same key (INKBOX_SIGNING_KEY) that send signs with. The key is never
printed. Prefer INKBOX_SIGNING_KEY to --signing-key: arguments are visible in shell history
and process lists.

Examples:
  INKBOX_SIGNING_KEY=whsec_test nestjs-inkbox send message.bounced --url http://localhost:3000/inkbox/webhooks
  nestjs-inkbox send message.received --url http://localhost:3000 --set data.message.subject="Invoice 42"
  nestjs-inkbox send --body captured.json --url http://localhost:3000/api/inkbox/webhooks
`;

type SendValues = {
  url?: string;
  'signing-key'?: string;
  data?: string;
  set?: string[];
  body?: string;
  'request-id'?: string;
  timestamp?: string;
  header?: string[];
  timeout?: string;
  json?: boolean;
  'dry-run'?: boolean;
  help?: boolean;
};

/** The body to send and what is known of it. */
interface PreparedBody {
  body: unknown;
  eventType: string | undefined;
  eventId: string | undefined;
}

/** A `send` command line, checked and read. */
interface SendRequest {
  url: URL;
  prepared: PreparedBody;
  options: {
    signingKey: string;
    requestId?: string;
    timestamp?: string;
    headers: Record<string, string>;
    timeoutMs: number;
  };
  json: boolean;
  dryRun: boolean;
}

/** What came of a `send`. */
type SendOutcome =
  { kind: 'answered'; response: InkboxDeliveryResponse; durationMs: number } | { kind: 'unreachable'; message: string };

// ------------------------------------------------------------------ parse

function readArgs(args: string[]): { values: SendValues; positionals: string[] } {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: 'string' },
      'signing-key': { type: 'string' },
      data: { type: 'string' },
      set: { type: 'string', multiple: true },
      body: { type: 'string' },
      'request-id': { type: 'string' },
      timestamp: { type: 'string' },
      header: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      json: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function describeFile(raw: Buffer, positionals: string[]): PreparedBody {
  let parsed: { event_type?: unknown; id?: unknown } | null | undefined;
  try {
    parsed = JSON.parse(raw.toString('utf8')) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const described = parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  return {
    body: raw.toString('utf8'),
    eventType: typeof described?.event_type === 'string' ? described.event_type : positionals[0],
    eventId: typeof described?.id === 'string' ? described.id : undefined,
  };
}

function prepareBody(positionals: string[], values: SendValues): PreparedBody {
  if (positionals.length > 1)
    throw new CliUsageError(`send takes one event type (got ${positionals.length} arguments).`);
  if (values.body !== undefined) {
    if (values.data !== undefined || (values.set ?? []).length > 0) {
      throw new CliUsageError('--body sends a file unchanged: it cannot be combined with --data or --set.');
    }
    return describeFile(readFileOption(values.body, '--body'), positionals);
  }
  const data = values.data !== undefined ? readJsonObject(values.data, '--data') : undefined;
  const fromData = typeof data?.event_type === 'string' ? data.event_type : undefined;
  const type = positionals[0] ?? fromData;
  if (type === undefined)
    throw new CliUsageError(`send needs an event type, one of: ${INKBOX_EVENT_TYPES.join(', ')}.`);
  if (fromData !== undefined && fromData !== type) {
    throw new CliUsageError(`the event type ${type} differs from the "event_type" of --data (${fromData}).`);
  }
  if (!isCreatableInkboxEventType(type))
    throw new CliUsageError(CLI_MESSAGES.unknownEventType(type, INKBOX_EVENT_TYPES));
  const event = createInkboxEvent(type, data as never) as unknown as Record<string, unknown>;
  for (const assignment of values.set ?? []) applyAssignment(event, assignment);
  return {
    body: event,
    eventType: typeof event.event_type === 'string' ? event.event_type : type,
    eventId: typeof event.id === 'string' ? event.id : undefined,
  };
}

function parseHeaderOptions(list: string[] | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const item of list ?? []) {
    const colon = item.indexOf(':');
    if (colon <= 0) throw new CliUsageError(`--header needs "Name: value" (got "${item}").`);
    headers[item.slice(0, colon).trim()] = item.slice(colon + 1).trim();
  }
  return headers;
}

function parseUrl(value: string | undefined, dryRun: boolean, incomingCall: boolean): URL {
  if (value === undefined && !dryRun)
    throw new CliUsageError('--url is required, e.g. --url http://localhost:3000/inkbox/webhooks');
  let url: URL;
  try {
    url = new URL(value ?? 'http://localhost:3000');
  } catch {
    throw new CliUsageError(
      `--url "${value}" is not a URL; write it in full, e.g. http://localhost:3000/inkbox/webhooks`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliUsageError(`--url must be an http or https URL (got ${url.protocol}).`);
  }
  const defaultPath = incomingCall ? DEFAULT_INCOMING_CALL_PATH : DEFAULT_WEBHOOK_PATH;
  return url.pathname === '/' || url.pathname === '' ? new URL(`/${defaultPath}`, url) : url;
}

function parseTimeout(value: string | undefined): number {
  const timeoutMs = value === undefined ? 10_000 : Number(value);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new CliUsageError(`--timeout must be a whole number of milliseconds (got "${value}").`);
  }
  return timeoutMs;
}

/** Reads a `send` command line; `undefined` when only the help was asked for. */
export function parseSendCommand(args: string[], io: CliIo): SendRequest | undefined {
  const { values, positionals } = readArgs(args);
  if (values.help) return undefined;
  if (values['signing-key']) io.addSecret(values['signing-key']);
  const signingKey = values['signing-key'] || splitKeys(io.env.INKBOX_SIGNING_KEY)[0];
  if (!signingKey) throw new CliUsageError(CLI_MESSAGES.noSigningKey);
  const prepared = prepareBody(positionals, values);
  const url = parseUrl(values.url, values['dry-run'] === true, prepared.eventType === 'phone.incoming_call');
  if (values.timestamp !== undefined && !/^\d+$/.test(values.timestamp)) {
    throw new CliUsageError(`--timestamp must be unix seconds, digits only (got "${values.timestamp}").`);
  }
  const timeoutMs = parseTimeout(values.timeout);
  const headers = parseHeaderOptions(values.header);
  return {
    url,
    prepared,
    options: { signingKey, requestId: values['request-id'], timestamp: values.timestamp, headers, timeoutMs },
    json: values.json === true,
    dryRun: values['dry-run'] === true,
  };
}

// ------------------------------------------------------------------ run

/** Sends the delivery; never throws for an unreachable app (the outcome says so). */
export async function runSendRequest(request: SendRequest): Promise<SendOutcome> {
  const started = Date.now();
  try {
    const response = await sendInkboxWebhook(request.url, request.prepared.body, request.options);
    return { kind: 'answered', response, durationMs: Date.now() - started };
  } catch (error) {
    return { kind: 'unreachable', message: `could not deliver to ${request.url.href}: ${describeError(error)}` };
  }
}

// ------------------------------------------------------------------ print

function statusLine(status: number): string {
  const reason = STATUS_CODES[status];
  return `HTTP ${status}${reason ? ` ${reason}` : ''}`;
}

/** One line standing for an answer's body: the body itself when short, else a summary. */
export function summarizeAnswer(response: InkboxDeliveryResponse): string {
  const text = response.text;
  const type = String(response.headers['content-type'] ?? '');
  if (/html/i.test(type) || /^\s*</.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    const body = text
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    const gist = title || body.slice(0, 120);
    return `(an HTML page of ${Buffer.byteLength(text)} bytes${gist ? `: "${gist}"` : ''})`;
  }
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  return oneLine.length > 400 ? `${oneLine.slice(0, 400)}… (${Buffer.byteLength(text)} bytes)` : oneLine;
}

function printDryRun(request: SendRequest, io: CliIo): void {
  const signed = signInkboxWebhook(request.prepared.body, request.options);
  const sent = mergeInkboxHeaders(signed.headers, request.options.headers);
  if (request.json) io.out(`${JSON.stringify({ headers: sent, body: signed.body })}\n`);
  else
    io.out(
      `${Object.entries(sent)
        .map(([n, v]) => `${n}: ${v}`)
        .join('\n')}\n\n${signed.body}\n`,
    );
}

function eventSummary(request: SendRequest): { type: string | null; id: string | null } {
  return { type: request.prepared.eventType ?? null, id: request.prepared.eventId ?? null };
}

/** The decision of an incoming-call answer, in words (Inkbox declines the call on anything but a valid one). */
function describeDecision(response: InkboxDeliveryResponse): string {
  const { action, client_websocket_url: url } = response.body ?? {};
  if (action === 'answer')
    return `decision: answer${typeof url === 'string' ? ` (stream to ${url})` : " (stream to the number's configured URL)"}`;
  if (action === 'reject') return 'decision: reject';
  return 'decision: none that Inkbox accepts (the call would be declined)';
}

function printAnswer(request: SendRequest, response: InkboxDeliveryResponse, durationMs: number, io: CliIo): void {
  const ok = response.status >= 200 && response.status < 300;
  if (request.json) {
    const { status, text, request: sent } = response;
    const body = response.body ?? null;
    io.out(`${JSON.stringify({ ok, status, body, text, durationMs, event: eventSummary(request), request: sent })}\n`);
    return;
  }
  const headers = response.request.headers;
  io.out(`POST ${response.request.url}\n`);
  io.out(`  event    ${request.prepared.eventType ?? '(unknown type)'}  ${request.prepared.eventId ?? '(no id)'}\n`);
  io.out(`  request  ${headers['X-Inkbox-Request-ID'] ?? ''}  timestamp ${headers['X-Inkbox-Timestamp'] ?? ''}\n`);
  io.out(`${statusLine(response.status)}  (${durationMs} ms)\n`);
  if (response.text !== '') io.out(`${summarizeAnswer(response)}\n`);
  if (request.prepared.eventType === 'phone.incoming_call' && ok) io.out(`${describeDecision(response)}\n`);
  if (response.status === 404) io.err(`Hint: ${CLI_MESSAGES.notFoundHint(new URL(response.request.url).pathname)}\n`);
  if (response.status === 401) io.err(`Hint: ${CLI_MESSAGES.unauthorizedHint}\n`);
}

/** Prints the outcome of a `send` and returns the exit code. */
export function printSendOutcome(request: SendRequest, outcome: SendOutcome, io: CliIo): number {
  if (outcome.kind === 'unreachable') {
    if (request.json) {
      io.out(`${JSON.stringify({ ok: false, status: null, error: outcome.message, event: eventSummary(request) })}\n`);
    }
    const hint = /ECONNREFUSED/.test(outcome.message) ? `${CLI_MESSAGES.connectionRefusedHint}\n` : '';
    io.err(`nestjs-inkbox send: ${outcome.message}\n${hint}`);
    return EXIT_FAILURE;
  }
  printAnswer(request, outcome.response, outcome.durationMs, io);
  return outcome.response.status >= 200 && outcome.response.status < 300 ? EXIT_OK : EXIT_FAILURE;
}

/** `nestjs-inkbox send`: signs and sends one delivery; exit 0 on 2xx. */
export async function runSend(args: string[], io: CliIo): Promise<number> {
  const request = parseSendCommand(args, io);
  if (!request) {
    io.out(SEND_HELP);
    return EXIT_OK;
  }
  if (request.dryRun) {
    printDryRun(request, io);
    return EXIT_OK;
  }
  return printSendOutcome(request, await runSendRequest(request), io);
}
