import { Readable } from 'node:stream';
import { INKBOX_CAPTURE_ERROR, INKBOX_RAW_BODY } from '../inkbox.constants.js';
import type { InkboxCaptureError } from './inkbox-capture-error.js';
import { isJsonContentType } from './inkbox-content-type.js';
import { inkboxHttpError } from './inkbox-signature.guard.js';

/** The parts of a Fastify request the hook touches. */
interface FastifyRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  [INKBOX_RAW_BODY]?: Buffer;
  [INKBOX_CAPTURE_ERROR]?: InkboxCaptureError;
}

/** The Fastify instance method the capture needs. */
export interface FastifyInstanceLike {
  addHook(name: 'preParsing', hook: (request: FastifyRequestLike, reply: unknown, payload: Readable) => Promise<Readable>): unknown;
}


/**
 * Adds a `preParsing` hook that, for POST requests to the webhook path, reads the payload (bounded by
 * `maxBytes`), keeps the exact bytes on the request, and hands Fastify a replay of them to parse.
 */
export function installFastifyInkboxCapture(instance: FastifyInstanceLike, matches: (url: string) => boolean, maxBytes: number): void {
  instance.addHook('preParsing', async (request, _reply, payload) => {
    if (request.method !== 'POST' || !matches(request.url)) return payload;
    if (!isJsonContentType(request.headers['content-type'])) {
      request[INKBOX_CAPTURE_ERROR] = { status: 415, message: 'Inkbox webhooks are JSON: Content-Type must be application/json.' };
      return payload;
    }
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
}
