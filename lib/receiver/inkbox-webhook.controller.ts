import {
  ConflictException,
  Controller,
  type ControllerOptions,
  HttpCode,
  HttpStatus,
  InternalServerErrorException,
  Post,
  Req,
  ServiceUnavailableException,
  UseGuards,
  type Type,
} from '@nestjs/common';
import { INKBOX_VERIFIED } from '../inkbox.constants.js';
import { InkboxEventDispatcher } from '../handlers/inkbox-event.dispatcher.js';
import type { InkboxRoute } from './inkbox-route.interface.js';
import { readVerifiedInkboxEvent } from './inkbox-event.reader.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import { InkboxSignatureGuard } from './inkbox-signature.guard.js';
import { INKBOX_MESSAGES } from '../messages.js';

/** The body of every 2xx answer to Inkbox. */
export interface InkboxWebhookResponse {
  outcome: 'processed' | 'ignored' | 'duplicate';
}

/**
 * Declares the webhook controller for one route. A new class per module definition, so the path
 * and version are set once, by the decorators, and no shared metadata is rewritten at run time.
 */
export function createInkboxWebhookController(route: InkboxRoute): Type<unknown> {
  const options: ControllerOptions = { path: route.path };
  if (route.version !== undefined) options.version = route.version;

  @Controller(options)
  @UseGuards(InkboxSignatureGuard)
  class InkboxWebhookController {
    constructor(private readonly dispatcher: InkboxEventDispatcher) {}

    @Post()
    @HttpCode(HttpStatus.OK)
    async receive(@Req() req: InkboxRequest): Promise<InkboxWebhookResponse> {
      const event = readVerifiedInkboxEvent(req);
      const verified = req[INKBOX_VERIFIED]!;
      const result = await this.dispatcher.dispatch(event, getInkboxRawBody(req)!, {
        requestId: verified.requestId,
        params: req.params ?? {},
      });
      switch (result.outcome) {
        case 'processed':
        case 'ignored':
        case 'duplicate':
          return { outcome: result.outcome };
        case 'failed':
          throw new InternalServerErrorException(INKBOX_MESSAGES.handlersFailed(result.failed, result.retriesFailedOnly));
        case 'in-flight':
          throw new ConflictException(INKBOX_MESSAGES.inFlight(result.busy));
        case 'store-unavailable':
          throw new ServiceUnavailableException(result.message);
      }
    }
  }
  return InkboxWebhookController;
}
