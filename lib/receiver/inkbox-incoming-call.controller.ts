import {
  Controller,
  type ControllerOptions,
  HttpCode,
  HttpStatus,
  Post,
  Req,
  UseGuards,
  type Type,
} from '@nestjs/common';
import { DEFAULT_INCOMING_CALL_PATH, INKBOX_VERIFIED } from '../inkbox.constants.js';
import { PhoneIncomingCallEvent } from '../events/dto/phone-incoming-call-event.dto.js';
import { InkboxPayloadError, parseInkboxPayloadAs } from '../events/inkbox-event.parser.js';
import type { InkboxIncomingCallDecision } from '../handlers/inkbox-incoming-call-decision.interface.js';
import { InkboxIncomingCallDispatcher } from '../handlers/inkbox-incoming-call.dispatcher.js';
import { InkboxCapturedRoute } from './inkbox-captured-route.decorator.js';
import type { InkboxRoute } from './inkbox-route.interface.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import { InkboxSignatureGuard, inkboxHttpError } from './inkbox-signature.guard.js';

/** Validates the verified bytes as a `PhoneIncomingCallEvent`; 400 naming the failing fields otherwise. */
function readIncomingCall(req: InkboxRequest): PhoneIncomingCallEvent {
  const rawBody = getInkboxRawBody(req);
  if (!req[INKBOX_VERIFIED] || !rawBody)
    throw inkboxHttpError(
      HttpStatus.INTERNAL_SERVER_ERROR,
      'The incoming call was read before its signature was verified.',
    );
  try {
    return parseInkboxPayloadAs(PhoneIncomingCallEvent, rawBody);
  } catch (error) {
    if (error instanceof InkboxPayloadError) throw inkboxHttpError(HttpStatus.BAD_REQUEST, error.problems);
    throw inkboxHttpError(HttpStatus.BAD_REQUEST, ['the body could not be read as an incoming call']);
  }
}

/**
 * Declares the incoming-call controller for the module's route (default `POST /inkbox/incoming-call`):
 * the same raw-body capture and signature check as the event route, then the answer of the
 * `@OnInkboxIncomingCall()` method as a 200 JSON body, `{"action":"reject"}` whenever it cannot decide.
 */
export function createInkboxIncomingCallController(route: InkboxRoute): Type<unknown> {
  const options: ControllerOptions = { path: route.incomingCallPath ?? DEFAULT_INCOMING_CALL_PATH };
  if (route.version !== undefined) options.version = route.version;

  @Controller(options)
  @UseGuards(InkboxSignatureGuard)
  class InkboxIncomingCallController {
    constructor(private readonly dispatcher: InkboxIncomingCallDispatcher) {}

    @Post()
    @InkboxCapturedRoute()
    @HttpCode(HttpStatus.OK)
    decide(@Req() req: InkboxRequest): Promise<InkboxIncomingCallDecision> {
      const call = readIncomingCall(req);
      return this.dispatcher.decide(call, { requestId: req[INKBOX_VERIFIED]!.requestId, params: req.params ?? {} });
    }
  }
  return InkboxIncomingCallController;
}
