import { HttpStatus } from '@nestjs/common';
import { INKBOX_EVENT, INKBOX_VERIFIED } from '../inkbox.constants.js';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import { InkboxPayloadError, parseInkboxEvent } from '../events/inkbox-event.parser.js';
import { inkboxHttpError } from './inkbox-http-error.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import { INKBOX_MESSAGES } from '../messages.js';

/**
 * Builds the event of a request whose signature the guard verified, from exactly the verified
 * bytes. 400 with the failing fields when the body is not a valid event; 500 when the guard did
 * not run first. Shared by the module's controller and `InkboxEventInterceptor`.
 */
export function readVerifiedInkboxEvent(req: InkboxRequest): InkboxEvent {
  const cached = req[INKBOX_EVENT];
  if (cached) return cached;
  const rawBody = getInkboxRawBody(req);
  if (!req[INKBOX_VERIFIED] || !rawBody) {
    throw inkboxHttpError(HttpStatus.INTERNAL_SERVER_ERROR, INKBOX_MESSAGES.readBeforeVerified);
  }
  let event: InkboxEvent;
  try {
    event = parseInkboxEvent(rawBody);
  } catch (error) {
    if (error instanceof InkboxPayloadError) throw inkboxHttpError(HttpStatus.BAD_REQUEST, error.problems);
    throw inkboxHttpError(HttpStatus.BAD_REQUEST, ['the body could not be read as an Inkbox event']);
  }
  const idProblem = inkboxEventIdProblem(event.id);
  if (idProblem) throw inkboxHttpError(HttpStatus.BAD_REQUEST, [idProblem]);
  req[INKBOX_EVENT] = event;
  return event;
}

/** Longest event `id` accepted, in characters. */
export const INKBOX_EVENT_ID_MAX_LENGTH = 256;
// C0 controls, DEL, C1 controls, line and paragraph separators
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Why an event `id` cannot be used (too long, control characters), or undefined when it can. */
export function inkboxEventIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  if (id.length > INKBOX_EVENT_ID_MAX_LENGTH)
    return `id must be at most ${INKBOX_EVENT_ID_MAX_LENGTH} characters long (got ${id.length})`;
  if (CONTROL.test(id)) return 'id must not contain control characters';
  return undefined;
}
