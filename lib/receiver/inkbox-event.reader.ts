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
  try {
    const event = parseInkboxEvent(rawBody);
    req[INKBOX_EVENT] = event;
    return event;
  } catch (error) {
    if (error instanceof InkboxPayloadError) throw inkboxHttpError(HttpStatus.BAD_REQUEST, error.problems);
    throw inkboxHttpError(HttpStatus.BAD_REQUEST, ['the body could not be read as an Inkbox event']);
  }
}
