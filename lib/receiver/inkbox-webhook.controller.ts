import {
  ConflictException,
  Controller,
  type ControllerOptions,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  InternalServerErrorException,
  Post,
  Req,
  ServiceUnavailableException,
  UseGuards,
  type Type,
} from '@nestjs/common';
import { INKBOX_RESOLVED_OPTIONS, INKBOX_VERIFIED } from '../inkbox.constants.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import { InkboxCapturedRoute } from './inkbox-captured-route.decorator.js';
import { inkboxRejectionLogFor } from './inkbox-rejection.log.js';
import { InkboxEventDispatcher, inkboxEventKey } from '../handlers/inkbox-event.dispatcher.js';
import { InkboxQueueProducer } from '../queue/inkbox-queue.producer.js';
import type { InkboxRoute } from './inkbox-route.interface.js';
import { readVerifiedInkboxEvent } from './inkbox-event.reader.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import { InkboxSignatureGuard } from './inkbox-signature.guard.js';
import { INKBOX_MESSAGES } from '../messages.js';
import { recordInkboxRejection } from '../telemetry/inkbox-rejection.js';
import { InkboxTelemetry } from '../telemetry/inkbox-telemetry.service.js';
import { InkboxTelemetryGuard } from '../telemetry/inkbox-telemetry.guard.js';

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
  if (route.version !== undefined) options.version = route.version;

  @Controller(options)
  @UseGuards(InkboxTelemetryGuard, InkboxSignatureGuard)
  class InkboxWebhookController {
    constructor(
      private readonly dispatcher: InkboxEventDispatcher,
      @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options: ResolvedInkboxOptions,
      private readonly telemetry: InkboxTelemetry,
      private readonly queue: InkboxQueueProducer,
    ) {}

    @Post()
    @InkboxCapturedRoute()
    @HttpCode(HttpStatus.OK)
    async receive(@Req() req: InkboxRequest): Promise<InkboxWebhookResponse> {
      try {
        return await this.handle(req);
      } catch (error) {
        if (error instanceof HttpException && error.getStatus() !== 500) {
          const response = error.getResponse() as { message?: unknown };
          const message = Array.isArray(response?.message)
            ? response.message.join('; ')
            : typeof response?.message === 'string'
              ? response.message
              : error.message;
          inkboxRejectionLogFor(this.options).reject(
            error.getStatus(),
            error.getStatus() === 400 ? 'invalid_payload' : 'not_accepted_now',
            message,
            req.headers,
          );
        }
        throw error;
      }
    }

    private async handle(req: InkboxRequest): Promise<InkboxWebhookResponse> {
      let event;
      try {
        event = readVerifiedInkboxEvent(req);
      } catch (error) {
        recordInkboxRejection(req, 'invalid_payload');
        throw error;
      }
      const verified = req[INKBOX_VERIFIED]!;
      const rawBody = getInkboxRawBody(req)!;
      // computed once and handed on: for an event without an id it is a hash of the whole body
      const eventKey = inkboxEventKey(event, rawBody);
      const context = { requestId: verified.requestId, params: req.params ?? {}, eventKey };
      const delivery = { eventType: event.event_type, eventId: eventKey, requestId: verified.requestId };
      if (this.queue.active) {
        const queued = await this.telemetry.withReceive(req, () => this.queue.receive(event, rawBody, context));
        this.telemetry.finishReceive(req, delivery, queued.outcome);
        return queued;
      }
      const result = await this.telemetry.withReceive(req, () => this.dispatcher.dispatch(event, rawBody, context));
      this.telemetry.finishReceive(req, delivery, result.outcome);
      switch (result.outcome) {
        case 'processed':
        case 'ignored':
        case 'duplicate':
          return { outcome: result.outcome };
        case 'failed':
          throw new InternalServerErrorException(
            INKBOX_MESSAGES.handlersFailed(result.failed, result.retriesFailedOnly),
          );
        case 'in-flight':
          throw new ConflictException(INKBOX_MESSAGES.inFlight(result.busy));
        case 'store-unavailable':
          throw new ServiceUnavailableException(result.message);
      }
    }
  }
  return InkboxWebhookController;
}
