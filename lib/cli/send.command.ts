import { parseArgs } from 'node:util';
import { CREATABLE_INKBOX_EVENT_TYPES as INKBOX_EVENT_TYPES, createInkboxEvent, isCreatableInkboxEventType } from '../delivery/create-inkbox-event.js';
import { mergeInkboxHeaders, sendInkboxWebhook, type InkboxDeliveryResponse } from '../delivery/send-inkbox-webhook.js';
import { signInkboxWebhook } from '../delivery/sign-inkbox-webhook.js';
import { DEFAULT_INCOMING_CALL_PATH, DEFAULT_WEBHOOK_PATH } from '../inkbox.constants.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, describeError, splitKeys, type CliIo } from './cli-io.js';
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

The key is never printed. Prefer INKBOX_SIGNING_KEY to --signing-key: arguments are
visible in shell history and process lists.

Examples:
  INKBOX_SIGNING_KEY=whsec_test nestjs-inkbox send message.bounced --url http://localhost:3000/inkbox/webhooks
  nestjs-inkbox send message.received --url http://localhost:3000 --set data.message.subject="Invoice 42"
  nestjs-inkbox send --body captured.json --url http://localhost:3000/api/inkbox/webhooks
`;

interface Prepared {
  body: unknown;
  eventType: string | undefined;
  eventId: string | undefined;
}

function prepareBody(positionals: string[], values: { data?: string; set?: string[]; body?: string }): Prepared {
  if (positionals.length > 1) throw new CliUsageError(`send takes one event type (got ${positionals.length} arguments).`);
  if (values.body !== undefined) {
    if (values.data !== undefined || (values.set ?? []).length > 0) throw new CliUsageError('--body sends a file unchanged: it cannot be combined with --data or --set.');
    const raw = readFileOption(values.body, '--body');
    let parsed: { event_type?: unknown; id?: unknown } | undefined;
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
  const data = values.data !== undefined ? readJsonObject(values.data, '--data') : undefined;
  const fromData = typeof data?.event_type === 'string' ? data.event_type : undefined;
  const type = positionals[0] ?? fromData;
  if (type === undefined) throw new CliUsageError(`send needs an event type, one of: ${INKBOX_EVENT_TYPES.join(', ')}.`);
  if (fromData !== undefined && fromData !== type) throw new CliUsageError(`the event type ${type} differs from the "event_type" of --data (${fromData}).`);
  if (!isCreatableInkboxEventType(type)) {
    throw new CliUsageError(`unknown event type "${type}". Known: ${INKBOX_EVENT_TYPES.join(', ')}. For other payloads, write them to a file and use --body.`);
  }
  const event = createInkboxEvent(type, data as never) as unknown as Record<string, unknown>;
  for (const assignment of values.set ?? []) applyAssignment(event, assignment);
  return { body: event, eventType: typeof event.event_type === 'string' ? event.event_type : type, eventId: typeof event.id === 'string' ? event.id : undefined };
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

function statusLine(response: InkboxDeliveryResponse): string {
  const reason: Record<number, string> = { 200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' };
  return `HTTP ${response.status}${reason[response.status] ? ` ${reason[response.status]}` : ''}`;
}

/** The decision of an incoming-call answer, in words (Inkbox declines the call on anything but a valid one). */
function describeDecision(response: InkboxDeliveryResponse): string {
  const { action, client_websocket_url: url } = response.body ?? {};
  if (action === 'answer') return `decision: answer${typeof url === 'string' ? ` (stream to ${url})` : ' (stream to the number\'s configured URL)'}`;
  if (action === 'reject') return 'decision: reject';
  return 'decision: none that Inkbox accepts (the call would be declined)';
}

/** `nestjs-inkbox send`: signs and sends one delivery; exit 0 on 2xx. */
export async function runSend(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
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
  if (values.help) {
    io.out(SEND_HELP);
    return EXIT_OK;
  }
  const signingKey = values['signing-key'] || splitKeys(io.env.INKBOX_SIGNING_KEY)[0];
  if (values['signing-key']) io.addSecret(values['signing-key']);
  if (!signingKey) throw new CliUsageError('no signing key: pass --signing-key <key> or set the INKBOX_SIGNING_KEY environment variable.');
  if (values.url === undefined && !values['dry-run']) throw new CliUsageError('--url is required, e.g. --url http://localhost:3000/inkbox/webhooks');
  let url: URL;
  try {
    url = new URL(values.url ?? 'http://localhost:3000');
  } catch {
    throw new CliUsageError(`--url "${values.url}" is not a URL; write it in full, e.g. http://localhost:3000/inkbox/webhooks`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliUsageError(`--url must be an http or https URL (got ${url.protocol}).`);
  const prepared = prepareBody(positionals, values);
  const incomingCall = prepared.eventType === 'phone.incoming_call';
  if (url.pathname === '/' || url.pathname === '') url = new URL(`/${incomingCall ? DEFAULT_INCOMING_CALL_PATH : DEFAULT_WEBHOOK_PATH}`, url);
  if (values.timestamp !== undefined && !/^\d+$/.test(values.timestamp)) throw new CliUsageError(`--timestamp must be unix seconds, digits only (got "${values.timestamp}").`);
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new CliUsageError(`--timeout must be a whole number of milliseconds (got "${values.timeout}").`);
  const headers = parseHeaderOptions(values.header);

  const options = { signingKey, requestId: values['request-id'], timestamp: values.timestamp, headers, timeoutMs };
  if (values['dry-run']) {
    const signed = signInkboxWebhook(prepared.body, options);
    const sent = mergeInkboxHeaders(signed.headers, headers);
    if (values.json) io.out(`${JSON.stringify({ headers: sent, body: signed.body })}\n`);
    else io.out(`${Object.entries(sent).map(([n, v]) => `${n}: ${v}`).join('\n')}\n\n${signed.body}\n`);
    return EXIT_OK;
  }

  const started = Date.now();
  let response: InkboxDeliveryResponse;
  try {
    response = await sendInkboxWebhook(url, prepared.body, options);
  } catch (error) {
    const message = `could not deliver to ${url.href}: ${describeError(error)}`;
    if (values.json) io.out(`${JSON.stringify({ ok: false, status: null, error: message, event: { type: prepared.eventType ?? null, id: prepared.eventId ?? null } })}\n`);
    io.err(`nestjs-inkbox send: ${message}\n${/ECONNREFUSED/.test(message) ? 'Is the app running, and listening on that host and port?\n' : ''}`);
    return EXIT_FAILURE;
  }
  const durationMs = Date.now() - started;
  const ok = response.status >= 200 && response.status < 300;
  if (values.json) {
    io.out(
      `${JSON.stringify({
        ok,
        status: response.status,
        body: response.body ?? null,
        text: response.text,
        durationMs,
        event: { type: prepared.eventType ?? null, id: prepared.eventId ?? null },
        request: response.request,
      })}\n`,
    );
  } else {
    io.out(`POST ${response.request.url}\n`);
    io.out(`  event    ${prepared.eventType ?? '(unknown type)'}  ${prepared.eventId ?? '(no id)'}\n`);
    io.out(`  request  ${response.request.headers['X-Inkbox-Request-ID'] ?? ''}  timestamp ${response.request.headers['X-Inkbox-Timestamp'] ?? ''}\n`);
    io.out(`${statusLine(response)}  (${durationMs} ms)\n`);
    if (response.text !== '') io.out(`${response.text}\n`);
    if (incomingCall && ok) io.out(`${describeDecision(response)}\n`);
  }
  return ok ? EXIT_OK : EXIT_FAILURE;
}
