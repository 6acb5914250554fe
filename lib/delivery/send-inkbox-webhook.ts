import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { DEFAULT_WEBHOOK_PATH } from '../inkbox.constants.js';
import { signInkboxWebhook, type SignedInkboxWebhook } from './sign-inkbox-webhook.js';

/** Anything with a `getHttpServer()` method: a Nest application (`INestApplication`), listening or only initialised. */
export interface InkboxHttpServerHost {
  /** Returns the underlying Node HTTP(S) server. */
  getHttpServer(): unknown;
}

/**
 * Where a delivery is sent:
 * - a Nest application (after `app.init()`; `app.listen()` is not needed),
 * - a Node `http`/`https` server (listening or not),
 * - or a URL: a base URL such as `http://127.0.0.1:3000`, or the full webhook URL.
 *
 * A server that is not listening is bound to an ephemeral port on 127.0.0.1 for the duration of the
 * call, then closed again, as supertest does.
 */
export type InkboxDeliveryTarget = InkboxHttpServerHost | NetServer | string | URL;

/** Options of {@link sendInkboxWebhook} and {@link deliverInkboxEvent}. */
export interface SendInkboxWebhookOptions {
  /** The signing key to sign with, the same one the app is configured with (`whsec_…` or bare). */
  signingKey: string;
  /**
   * Path of the webhook route, global prefix and version included. Default `/inkbox/webhooks`,
   * or the path of the target when the target is a URL that has one.
   */
  path?: string;
  /** `X-Inkbox-Request-ID` to send; default a random UUID (as Inkbox: new on every attempt). */
  requestId?: string;
  /** `X-Inkbox-Timestamp` in unix seconds; default now. Use an old value to exercise the tolerance check. */
  timestamp?: number | string;
  /**
   * Headers to add or replace after signing (names are case-insensitive). A value of `undefined`
   * removes the header, e.g. `{ 'X-Inkbox-Signature': undefined }` to send an unsigned request.
   */
  headers?: Readonly<Record<string, string | undefined>>;
  /** Gives up (and rejects) after this many milliseconds without a complete response. Default 10 000. */
  timeoutMs?: number;
}

/** The body of the app's answer, as the webhook route shapes it: an outcome, or Nest's error JSON. */
export interface InkboxDeliveryResponseBody {
  /** On 2xx: what the module did with the event. */
  outcome?: 'processed' | 'ignored' | 'duplicate';
  /** On 2xx from the incoming-call route: the decision on the call. */
  action?: 'answer' | 'reject';
  /** On 2xx from the incoming-call route: where an answered call is streamed, when the handler said. */
  client_websocket_url?: string;
  /** On errors: the HTTP status, repeated. */
  statusCode?: number;
  /** On errors: why the delivery was refused (a list for validation errors). */
  message?: string | string[];
  /** On errors: the status name, e.g. `Unauthorized`. */
  error?: string;
  /** Anything else a custom route answers. */
  [key: string]: unknown;
}

/** What was sent over the wire. */
export interface InkboxSentRequest {
  /** The full URL the request was sent to. */
  url: string;
  /** The headers sent (after `options.headers` were applied), by the names they were sent under. */
  headers: Readonly<Record<string, string>>;
  /** The exact body string that was signed and sent. */
  body: string;
}

/** The app's answer to one delivery. */
export interface InkboxDeliveryResponse {
  /** HTTP status code, e.g. 200 or 401. */
  status: number;
  /** Response headers, names in lower case. */
  headers: IncomingHttpHeaders;
  /** The response body as text. */
  text: string;
  /** The response body parsed as JSON when it is a JSON object; otherwise `undefined`. */
  body: InkboxDeliveryResponseBody | undefined;
  /** What was sent. */
  request: InkboxSentRequest;
}

interface ResolvedTarget {
  url: URL;
  socketPath?: string;
  insecureTls: boolean;
  release(): Promise<void>;
}

interface TemporaryListen {
  users: number;
  ready: Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Servers this module bound to an ephemeral port, shared by concurrent calls, closed by the last one. */
const temporarilyListening = new WeakMap<NetServer, TemporaryListen>();

function isServer(value: unknown): value is NetServer {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as NetServer).listen === 'function' &&
    typeof (value as NetServer).address === 'function' &&
    typeof (value as NetServer).close === 'function'
  );
}

function isServerHost(value: unknown): value is InkboxHttpServerHost {
  return (
    value !== null && typeof value === 'object' && typeof (value as InkboxHttpServerHost).getHttpServer === 'function'
  );
}

/** Fastify needs `ready()` before its server answers; Express has no such step. */
async function whenAdapterReady(host: InkboxHttpServerHost): Promise<void> {
  const adapter = (host as { getHttpAdapter?: () => { getInstance?: () => unknown } }).getHttpAdapter?.();
  const instance = adapter?.getInstance?.();
  const ready = (instance as { ready?: unknown } | undefined)?.ready;
  if (typeof ready === 'function') await (ready as () => Promise<unknown>).call(instance);
}

function hostFor(address: string): string {
  if (address === '' || address === '0.0.0.0' || address === '::' || address === '::ffff:0.0.0.0') return '127.0.0.1';
  return address.includes(':') ? `[${address}]` : address;
}

async function acquireServer(server: NetServer): Promise<() => Promise<void>> {
  const shared = temporarilyListening.get(server);
  if (shared) {
    shared.users++;
    await shared.ready;
    return () => releaseServer(server);
  }
  if (server.listening) return async () => undefined;
  const entry: TemporaryListen = {
    users: 1,
    ready: new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once('error', onError);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', onError);
        resolve();
      });
    }),
  };
  temporarilyListening.set(server, entry);
  try {
    await entry.ready;
  } catch (error) {
    temporarilyListening.delete(server);
    throw error;
  }
  return () => releaseServer(server);
}

async function releaseServer(server: NetServer): Promise<void> {
  const entry = temporarilyListening.get(server);
  if (!entry) return;
  entry.users--;
  if (entry.users > 0) return;
  temporarilyListening.delete(server);
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
  });
}

async function resolveTarget(target: InkboxDeliveryTarget, path: string | undefined): Promise<ResolvedTarget> {
  if (typeof target === 'string' || target instanceof URL) {
    let url: URL;
    try {
      url = new URL(String(target));
    } catch {
      throw new TypeError(
        `Not a URL: "${String(target)}". Pass a URL such as http://127.0.0.1:3000, a Nest application or an HTTP server.`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new TypeError(`Only http and https URLs can be used (got ${url.protocol}).`);
    if (path !== undefined) url = new URL(normalizePath(path), url);
    else if (url.pathname === '/' || url.pathname === '') url = new URL(`/${DEFAULT_WEBHOOK_PATH}`, url);
    return { url, insecureTls: false, release: async () => undefined };
  }
  let server: unknown = target;
  if (isServerHost(target)) {
    await whenAdapterReady(target);
    server = target.getHttpServer();
  }
  if (!isServer(server)) {
    throw new TypeError('The target must be a Nest application, a Node HTTP server or a URL.');
  }
  const release = await acquireServer(server);
  const address = server.address();
  const insecureTls = server instanceof TlsServer;
  const relative = normalizePath(path ?? `/${DEFAULT_WEBHOOK_PATH}`);
  if (typeof address === 'string') {
    return {
      url: new URL(relative, insecureTls ? 'https://localhost' : 'http://localhost'),
      socketPath: address,
      insecureTls,
      release,
    };
  }
  const info: AddressInfo | null = address;
  if (!info) {
    await release();
    throw new Error('The server has no address: it is neither listening nor could it be started.');
  }
  const base = `${insecureTls ? 'https' : 'http'}://${hostFor(info.address)}:${info.port}`;
  return { url: new URL(relative, base), insecureTls, release };
}

function normalizePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * The headers of a signed delivery after `extra` is applied: names compare case-insensitively,
 * a value replaces, `undefined` removes.
 */
export function mergeInkboxHeaders(
  signed: SignedInkboxWebhook['headers'],
  extra: SendInkboxWebhookOptions['headers'],
): Record<string, string> {
  const byLowerName = new Map<string, [string, string]>();
  for (const [name, value] of Object.entries(signed)) byLowerName.set(name.toLowerCase(), [name, value]);
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (value === undefined) byLowerName.delete(name.toLowerCase());
    else byLowerName.set(name.toLowerCase(), [name, value]);
  }
  return Object.fromEntries(byLowerName.values());
}

function parseBody(text: string): InkboxDeliveryResponseBody | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as InkboxDeliveryResponseBody)
      : undefined;
  } catch {
    return undefined;
  }
}

function post(
  resolved: ResolvedTarget,
  headers: Record<string, string>,
  body: Buffer,
  timeoutMs: number,
): Promise<Omit<InkboxDeliveryResponse, 'request'>> {
  const { url } = resolved;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        socketPath: resolved.socketPath,
        agent: false,
        rejectUnauthorized: resolved.insecureTls ? false : undefined,
        headers: { ...headers, 'Content-Length': String(body.length), Connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parseBody(text) });
        });
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`No complete answer from ${url.href} within ${timeoutMs} ms.`)),
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Signs `body` exactly as Inkbox does and POSTs it, over real HTTP, to the webhook route of `target`,
 * so the raw-body capture, the signature guard, validation and your handlers all run. An object is
 * serialised once and those exact bytes are signed and sent; a string is sent unchanged (use it for
 * captured payloads and malformed input).
 *
 * Resolves with the response whatever its status; rejects only when no response arrives (connection
 * refused, timeout).
 *
 * @example
 * const res = await sendInkboxWebhook(app, fs.readFileSync('captured-body.json', 'utf8'), { signingKey: 'whsec_test' });
 * expect(res.status).toBe(200);
 */
export async function sendInkboxWebhook(
  target: InkboxDeliveryTarget,
  body: unknown,
  options: SendInkboxWebhookOptions,
): Promise<InkboxDeliveryResponse> {
  if (!options || typeof options.signingKey !== 'string' || options.signingKey === '') {
    throw new TypeError('sendInkboxWebhook needs { signingKey }: the key the app under test is configured with.');
  }
  const signed = signInkboxWebhook(body, {
    signingKey: options.signingKey,
    requestId: options.requestId,
    timestamp: options.timestamp,
  });
  const headers = mergeInkboxHeaders(signed.headers, options.headers);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const resolved = await resolveTarget(target, options.path);
  try {
    const response = await post(resolved, headers, Buffer.from(signed.body, 'utf8'), timeoutMs);
    return { ...response, request: { url: resolved.url.href, headers, body: signed.body } };
  } finally {
    await resolved.release();
  }
}
