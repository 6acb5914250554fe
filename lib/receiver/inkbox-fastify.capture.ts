import { Readable } from 'node:stream';
import { INKBOX_RAW_BODY } from '../inkbox.constants.js';
import { INKBOX_CAPTURED_ROUTE_CONFIG } from './inkbox-captured-route.decorator.js';
import {
  inkboxBodyTooLarge,
  inkboxErrorBody,
  precheckInkboxRequest,
  type InkboxEarlyRejection,
} from './inkbox-request.precheck.js';

/** The parts of a Fastify request the capture touches. */
interface FastifyRequestLike {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  readonly routeOptions?: { readonly config?: Record<string, unknown> };
  [INKBOX_RAW_BODY]?: Buffer;
}

/** The parts of a Fastify reply the capture uses to answer at once. */
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload: string): unknown;
}

type PreParsing = (request: FastifyRequestLike, reply: FastifyReplyLike, payload: Readable) => Promise<Readable>;
type PreValidation = (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<void>;

/** Route options as an `onRoute` hook sees them. */
interface RouteOptionsLike {
  method: string | string[];
  config?: Record<string, unknown>;
  preParsing?: PreParsing | PreParsing[];
  preValidation?: PreValidation | PreValidation[];
}

/** The Fastify instance methods the capture needs. */
export interface FastifyInstanceLike {
  addHook(name: 'onRoute', hook: (route: RouteOptionsLike) => void): unknown;
  addHook(name: 'preParsing', hook: PreParsing): unknown;
  addHook(name: 'preValidation', hook: PreValidation): unknown;
  readonly initialConfig?: { readonly bodyLimit?: number };
}

/** What the capture needs to know. */
export interface FastifyCaptureSettings {
  readonly maxBytes: number;
  readonly toleranceSeconds: number;
  /** Called once for every request the capture answers itself. */
  readonly onReject: (rejection: InkboxEarlyRejection, headers: FastifyRequestLike['headers']) => void;
  /** True when the routes were already registered (the hooks then go on the instance, checking the route). */
  readonly late: boolean;
}

const KEPT_CONTENT_TYPE = Symbol.for('nestjs-inkbox:content-type');
const KEPT_CONTENT_LENGTH = Symbol.for('nestjs-inkbox:content-length');
// What Fastify's own JSON parser reads on a captured route sent in chunks: the route parses the verified bytes itself.
const PLACEHOLDER = Buffer.from('{}');

function answer(reply: FastifyReplyLike, rejection: InkboxEarlyRejection): void {
  reply
    .code(rejection.status)
    .header('connection', 'close')
    .header('content-type', 'application/json; charset=utf-8')
    .send(inkboxErrorBody(rejection.status, rejection.message));
}

async function readBounded(payload: Readable, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of payload) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

function createPreParsing(settings: FastifyCaptureSettings): PreParsing {
  return async (request, reply, payload) => {
    const rejection = precheckInkboxRequest(request.headers, settings.toleranceSeconds, settings.maxBytes);
    const tooLarge: InkboxEarlyRejection = {
      status: 413,
      reason: 'body_too_large',
      message: inkboxBodyTooLarge(settings.maxBytes),
    };
    const body = rejection ? undefined : await readBounded(payload, settings.maxBytes);
    if (rejection || !body) {
      settings.onReject(rejection ?? tooLarge, request.headers);
      answer(reply, rejection ?? tooLarge);
      return payload;
    }
    request[INKBOX_RAW_BODY] = body;
    return skipFastifyParsing(request, payload, body.length);
  };
}

/**
 * Keeps Fastify from parsing the body again (the route parses the verified bytes itself), and so
 * never runs the app's parsers for other types nor a parse error before the signature is checked.
 * With a declared length, the request reads as bodyless to Fastify (no content type, length 0) and
 * no parser runs at all; sent in chunks, Fastify's own application/json parser reads a placeholder.
 * The request's own headers are put back before any `preValidation` step of the route.
 */
function skipFastifyParsing(request: FastifyRequestLike, payload: Readable, length: number): Readable {
  const headers = request.headers;
  const kept = request as unknown as Record<symbol, unknown>;
  kept[KEPT_CONTENT_TYPE] = headers['content-type'];
  if (headers['transfer-encoding'] === undefined) {
    kept[KEPT_CONTENT_LENGTH] = headers['content-length'] ?? null;
    headers['content-type'] = undefined;
    headers['content-length'] = '0';
    return payload;
  }
  headers['content-type'] = 'application/json';
  const replay = Readable.from([PLACEHOLDER]) as Readable & { receivedEncodedLength?: number };
  replay.receivedEncodedLength = length;
  return replay;
}

/**
 * Puts the request's own headers back once Fastify is past parsing, and leaves `body` unset (as on
 * Express), not the placeholder a chunked request was parsed from.
 */
const preValidation: PreValidation = async (request) => {
  const raw = request[INKBOX_RAW_BODY];
  if (!raw) return;
  const kept = request as unknown as Record<symbol, unknown>;
  const contentType = kept[KEPT_CONTENT_TYPE];
  if (typeof contentType === 'string') request.headers['content-type'] = contentType;
  const contentLength = kept[KEPT_CONTENT_LENGTH];
  if (typeof contentLength === 'string') request.headers['content-length'] = contentLength;
  else if (contentLength === null) delete request.headers['content-length'];
  request.body = undefined;
};

function isCapturedRoute(config: Record<string, unknown> | undefined): boolean {
  return config?.[INKBOX_CAPTURED_ROUTE_CONFIG] === true;
}

function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/**
 * Attaches the capture to the captured routes themselves: an `onRoute` hook adds a route-level
 * `preParsing` hook (headers judged first, then the body read up to `maxBytes` and kept) and a
 * `preValidation` hook to those routes only, so Fastify's router alone decides which requests it
 * touches; nothing is added for any other route. When the routes already exist (older Nest under
 * `Test.createTestingModule`), the same hooks go on the instance and act only on those routes.
 */
export function installFastifyInkboxCapture(
  instance: FastifyInstanceLike,
  settings: FastifyCaptureSettings,
): string | undefined {
  const bodyLimit = instance.initialConfig?.bodyLimit;
  const maxBytes = settings.maxBytes;
  if (typeof bodyLimit === 'number' && bodyLimit < maxBytes) {
    return `maxBodyBytes (${maxBytes}) is larger than Fastify's bodyLimit (${bodyLimit}), which would refuse those bodies first: create the adapter with new FastifyAdapter({ bodyLimit: ${maxBytes} }) or lower maxBodyBytes.`;
  }
  const preParsing = createPreParsing(settings);
  if (settings.late) {
    instance.addHook('preParsing', (request, reply, payload) =>
      isCapturedRoute(request.routeOptions?.config) ? preParsing(request, reply, payload) : Promise.resolve(payload),
    );
    instance.addHook('preValidation', preValidation);
    return undefined;
  }
  instance.addHook('onRoute', (route) => {
    if (!isCapturedRoute(route.config)) return;
    route.preParsing = [...asList(route.preParsing), preParsing];
    route.preValidation = [preValidation, ...asList(route.preValidation)];
  });
  return undefined;
}
