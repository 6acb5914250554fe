import type { IncomingHttpHeaders } from 'node:http';
import { INKBOX_CAPTURE_ERROR, INKBOX_EVENT, INKBOX_RAW_BODY, INKBOX_VERIFIED } from '../inkbox.constants.js';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import type { InkboxSignatureSuccess } from '../signature/inkbox-signature.js';
import type { InkboxCaptureError } from './inkbox-capture-error.js';

/** What the module reads from and writes to a webhook request (Express request shape). */
export interface InkboxRequest {
  headers: IncomingHttpHeaders;
  params?: Record<string, string>;
  body?: unknown;
  rawBody?: unknown;
  [INKBOX_RAW_BODY]?: Buffer;
  [INKBOX_CAPTURE_ERROR]?: InkboxCaptureError;
  [INKBOX_VERIFIED]?: InkboxSignatureSuccess;
  [INKBOX_EVENT]?: InkboxEvent;
}

/** The verified raw bytes of a request: the module's capture, or Nest's `rawBody: true` buffer. */
export function getInkboxRawBody(req: InkboxRequest): Buffer | undefined {
  const captured = req[INKBOX_RAW_BODY];
  if (captured) return captured;
  return Buffer.isBuffer(req.rawBody) ? req.rawBody : undefined;
}
