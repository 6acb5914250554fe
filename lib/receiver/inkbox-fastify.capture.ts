import { Readable } from 'node:stream';
import { INKBOX_RAW_BODY } from '../inkbox.constants.js';
import { isJsonContentType } from './inkbox-content-type.js';
import { inkboxHttpError } from './inkbox-http-error.js';

/** The parts of a Fastify request the hook touches. */
interface FastifyRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  [INKBOX_RAW_BODY]?: Buffer;
}

type ParserDone = (error: Error | null, body?: unknown) => void;

/** The Fastify instance methods the capture needs. */
export interface FastifyInstanceLike {
  addHook(name: 'preParsing', hook: (request: FastifyRequestLike, reply: unknown, payload: Readable) => Promise<Readable>): unknown;
  addContentTypeParser?(type: RegExp, options: { parseAs: 'buffer' }, parser: (req: unknown, body: Buffer, done: ParserDone) => void): unknown;
  readonly initialConfig?: { readonly bodyLimit?: number };
}

/** `+json` media types (Fastify only knows application/json): parsed as JSON, as on Express. */
const PLUS_JSON = /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.+-]+\+json$/i;

function addPlusJsonParser(instance: FastifyInstanceLike): void {
  try {
    instance.addContentTypeParser?.(PLUS_JSON, { parseAs: 'buffer' }, (_req, body, done) => {
      try {
        done(null, body.length === 0 ? undefined : JSON.parse(body.toString('utf8')));
      } catch (error) {
        done(Object.assign(error as Error, { statusCode: 400 }));
      }
    });
  } catch {
    // the app registered a parser for these types itself: keep it
  }
}


/**
 * Adds a `preParsing` hook that, for POST requests to the webhook path, reads the payload (bounded by
 * `maxBytes`), keeps the exact bytes on the request, and hands Fastify a replay of them to parse.
 */
export function installFastifyInkboxCapture(instance: FastifyInstanceLike, matches: (url: string) => boolean, maxBytes: number): string | undefined {
  const bodyLimit = instance.initialConfig?.bodyLimit;
  if (typeof bodyLimit === 'number' && bodyLimit < maxBytes) {
    return `maxBodyBytes (${maxBytes}) is larger than Fastify's bodyLimit (${bodyLimit}), which would refuse those bodies first: create the adapter with new FastifyAdapter({ bodyLimit: ${maxBytes} }) or lower maxBodyBytes.`;
  }
  addPlusJsonParser(instance);
  instance.addHook('preParsing', async (request, _reply, payload) => {
    if (request.method !== 'POST' || !matches(request.url)) return payload;
    // not JSON: left to Fastify's parsers untouched (the guard answers 415 on the webhook route)
    if (!isJsonContentType(request.headers['content-type'])) return payload;
    const tooLarge = `The webhook body is larger than maxBodyBytes (${maxBytes} bytes).`;
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) throw inkboxHttpError(413, tooLarge);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of payload) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += buffer.length;
      if (size > maxBytes) throw inkboxHttpError(413, tooLarge);
      chunks.push(buffer);
    }
    const body = Buffer.concat(chunks, size);
    request[INKBOX_RAW_BODY] = body;
    const replay = Readable.from(size === 0 ? [] : [body]) as Readable & { receivedEncodedLength?: number };
    replay.receivedEncodedLength = size;
    return replay;
  });
  return undefined;
}
