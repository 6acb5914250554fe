import { Controller, type ControllerOptions, HttpCode, HttpException, HttpStatus, Post, Req, UseGuards, type Type } from '@nestjs/common';
import { INKBOX_VERIFIED } from '../inkbox.constants.js';
import { InkboxEventDispatcher } from '../handlers/inkbox-event.dispatcher.js';
import { InkboxQueueProducer } from '../queue/inkbox-queue.producer.js';
import type { InkboxRoute } from './inkbox-route.interface.js';
import { readVerifiedInkboxEvent } from './inkbox-event.reader.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import { InkboxSignatureGuard, inkboxHttpError } from './inkbox-signature.guard.js';

/** The body of every 2xx answer to Inkbox. */
export interface InkboxWebhookResponse {
  /** `queued`: queue mode stored the event; its handlers run on a worker. */
  outcome: 'processed' | 'ignored' | 'duplicate' | 'queued';
}

/**
 * Declares the webhook controller for one route. A new class per module definition, so the path
 * and version are set once, by the decorators, and no shared metadata is rewritten at run time.
 */
export function createInkboxWebhookController(route: InkboxRoute): Type<unknown> {
  const options: ControllerOptions = { path: route.path };
  if (route.version !== undefined) options.version = route.version as ControllerOptions['version'];

  @Controller(options)
  @UseGuards(InkboxSignatureGuard)
  class InkboxWebhookController {
    constructor(
      private readonly dispatcher: InkboxEventDispatcher,
      private readonly queue: InkboxQueueProducer,
    ) {}

    @Post()
    @HttpCode(HttpStatus.OK)
    async receive(@Req() req: InkboxRequest): Promise<InkboxWebhookResponse> {
      const event = readVerifiedInkboxEvent(req);
      const verified = req[INKBOX_VERIFIED]!;
      if (this.queue.active) return this.queue.receive(event, getInkboxRawBody(req)!, { requestId: verified.requestId, params: req.params ?? {} });
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
          throw inkboxHttpError(
            HttpStatus.INTERNAL_SERVER_ERROR,
            `${result.failed.length === 1 ? 'Handler' : 'Handlers'} ${result.failed.join(', ')} failed for this event; the other handlers ran. See the application log. ` +
              (result.retriesFailedOnly ? 'Inkbox will retry; only the failed handlers will run again.' : 'Inkbox will retry, and every handler will run again (no idempotency store).'),
          );
        case 'in-flight':
          throw new HttpException(
            { statusCode: 409, message: `This event is being processed by another delivery right now (${result.busy.join(', ')}); retry later.`, error: 'Conflict' },
            HttpStatus.CONFLICT,
          );
        case 'store-unavailable':
          throw new HttpException({ statusCode: 503, message: result.message, error: 'Service Unavailable' }, HttpStatus.SERVICE_UNAVAILABLE);
      }
    }
  }
  return InkboxWebhookController;
}
