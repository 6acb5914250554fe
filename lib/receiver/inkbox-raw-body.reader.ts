import type { IncomingMessage } from 'node:http';
import { INKBOX_CAPTURE_ERROR, INKBOX_RAW_BODY } from '../inkbox.constants.js';
import type { InkboxCaptureError } from './inkbox-capture-error.js';

/** The request as the capture step sees it: Node's message plus what other parsers may have left. */
export type InkboxCaptureRequest = IncomingMessage & {
  rawBody?: unknown;
  [INKBOX_RAW_BODY]?: Buffer;
  [INKBOX_CAPTURE_ERROR]?: InkboxCaptureError;
};

/** True when the request's body stream was already read to its end by someone else. */
function alreadyConsumed(req: IncomingMessage): boolean {
  return req.readableEnded || (req.complete && !req.readable);
}

/** What the reader does when the body turns out larger than allowed while it is read. */
export type InkboxTooLarge = () => void;

/**
 * Reads the exact body bytes of a JSON webhook request into `req[INKBOX_RAW_BODY]` before any body
 * parser runs; `req.body` is left unset (the module parses the verified bytes itself, and a
 * property defined on every request would slow the rest of its way). Call it only once the request
 * passed {@link precheckInkboxRequest}. When the body grows past `maxBytes`, reading stops and
 * `tooLarge` answers at once. When the stream was already consumed by something mounted before Nest,
 * a 500 with advice is left on the request for the guard. Calls `done` once the body is in.
 */
export function readInkboxRawBody(
  req: InkboxCaptureRequest,
  maxBytes: number,
  done: () => void,
  tooLarge: InkboxTooLarge,
): void {
  if (req[INKBOX_RAW_BODY]) return done();
  if (alreadyConsumed(req)) {
    if (Buffer.isBuffer(req.rawBody)) {
      req[INKBOX_RAW_BODY] = req.rawBody;
      return done();
    }
    req[INKBOX_CAPTURE_ERROR] = {
      status: 500,
      message:
        'nestjs-inkbox could not read the webhook body: something mounted before Nest (a body parser on the underlying ' +
        'server) consumed it. Mount that parser after Nest, exclude the webhook path from it, or keep the raw bytes in req.rawBody.',
    };
    return done();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      cleanup();
      chunks.length = 0;
      req.pause();
      return tooLarge();
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    cleanup();
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    req[INKBOX_RAW_BODY] = raw;
    done();
  };
  const onError = () => {
    cleanup();
    req[INKBOX_CAPTURE_ERROR] = {
      status: 400,
      message: 'The webhook body could not be read to its end (the connection failed).',
    };
    done();
  };
  const cleanup = () => {
    if (finished) return;
    finished = true;
    req.removeListener('data', onData);
    req.removeListener('end', onEnd);
    req.removeListener('error', onError);
    req.removeListener('aborted', onError);
  };
  req.on('data', onData);
  req.on('end', onEnd);
  req.on('error', onError);
  req.on('aborted', onError);
}
