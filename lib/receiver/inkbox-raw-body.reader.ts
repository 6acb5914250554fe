import type { IncomingMessage } from 'node:http';
import { INKBOX_CAPTURE_ERROR, INKBOX_RAW_BODY } from '../inkbox.constants.js';
import type { InkboxCaptureError } from './inkbox-capture-error.js';
import { isJsonContentType } from './inkbox-content-type.js';

/** The request as the capture step sees it: Node's message plus what other parsers may have left. */
export type InkboxCaptureRequest = IncomingMessage & {
  rawBody?: unknown;
  [INKBOX_RAW_BODY]?: Buffer;
  [INKBOX_CAPTURE_ERROR]?: InkboxCaptureError;
};

/**
 * Gives `req.body` the parsed JSON, as a JSON body parser would, but only when something reads it:
 * the module's own route parses the verified bytes itself and never does, while another route that
 * happens to end with the same path still gets its `@Body()`. Assigning `req.body` replaces it.
 */
function exposeParsedBody(req: InkboxCaptureRequest, raw: Buffer): void {
  let value: unknown;
  let parsed = false;
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get() {
      if (!parsed) {
        parsed = true;
        try {
          value = raw.length === 0 ? undefined : JSON.parse(raw.toString('utf8'));
        } catch {
          value = undefined;
        }
      }
      return value;
    },
    set(next: unknown) {
      parsed = true;
      value = next;
    },
  });
}

/** True when the request's body stream was already read to its end by someone else. */
function alreadyConsumed(req: IncomingMessage): boolean {
  return req.readableEnded || (req.complete && !req.readable);
}

/** Reads and discards what is left of the body, then calls `done` (the client gets its answer cleanly). */
function drain(req: IncomingMessage, done: () => void): void {
  if (alreadyConsumed(req)) return done();
  req.removeAllListeners('data');
  req.on('end', done);
  req.on('error', done);
  req.resume();
}

/**
 * Reads the exact body bytes of a JSON webhook request into `req[INKBOX_RAW_BODY]` before any body
 * parser runs, enforcing the size limit; `req.body` gets the parsed JSON lazily, on first read.
 * Requests that are not JSON pass untouched. It never answers itself: a
 * problem is stored on the request as `req[INKBOX_CAPTURE_ERROR]` and raised by the guard, so the
 * app's exception filters and error format apply. Calls `done` once the stream is finished, so no
 * later parser tries to read it again.
 */
export function readInkboxRawBody(req: InkboxCaptureRequest, maxBytes: number, callback: () => void): void {
  let called = false;
  const done = () => {
    if (!called) {
      called = true;
      callback();
    }
  };
  if (req[INKBOX_RAW_BODY]) return done();
  const fail = (error: InkboxCaptureError) => {
    req[INKBOX_CAPTURE_ERROR] = error;
    drain(req, done);
  };
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
  // Not JSON: left to the app's own parsers untouched (the guard answers 415 on the webhook route)
  if (!isJsonContentType(req.headers['content-type'])) return done();
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return fail({ status: 415, message: `Compressed webhook bodies are not accepted (Content-Encoding: ${encoding.slice(0, 40)}); the signature covers the bytes as sent.` });
  }
  const tooLarge: InkboxCaptureError = { status: 413, message: `The webhook body is larger than maxBodyBytes (${maxBytes} bytes).` };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return fail(tooLarge);

  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      cleanup();
      chunks.length = 0;
      return fail(tooLarge);
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    cleanup();
    const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    req[INKBOX_RAW_BODY] = raw;
    exposeParsedBody(req, raw);
    done();
  };
  const onError = () => {
    cleanup();
    req[INKBOX_CAPTURE_ERROR] = { status: 400, message: 'The webhook body could not be read to its end (the connection failed).' };
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
