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
import type { InkboxDispatchResult } from '../handlers/inkbox-dispatch-result.js';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import { readVerifiedInkboxEvent } from './inkbox-event.reader.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import { InkboxSignatureGuard } from './inkbox-signature.guard.js';
import { INKBOX_MESSAGES } from '../messages.js';
import { recordInkboxRejection } from '../telemetry/inkbox-rejection.js';
import { InkboxTelemetry } from '../telemetry/inkbox-telemetry.service.js';

/** The body of every 2xx answer to Inkbox. */
export interface InkboxWebhookResponse {
  /** `queued`: queue mode stored the event; its handlers run on a worker. */
  outcome: 'processed' | 'ignored' | 'duplicate' | 'queued';
}

/** The answer to a dispatched delivery: 200 with its outcome, or the HTTP error of the status table. */
function answerFor(result: InkboxDispatchResult): InkboxWebhookResponse {
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
      const startedAt = performance.now();
      try {
        const event = this.readEvent(req);
        const verified = req[INKBOX_VERIFIED]!;
        const rawBody = getInkboxRawBody(req)!;
        // computed once and handed on: for an event without an id it is a hash of the whole body
        const eventKey = inkboxEventKey(event, rawBody);
        const context = { requestId: verified.requestId, params: req.params ?? {}, eventKey };
        const delivery = { eventType: event.event_type, eventId: eventKey, requestId: verified.requestId };
        if (this.queue.active) {
          const queued = await this.telemetry.withReceive(req, () => this.queue.receive(event, rawBody, context));
          this.telemetry.finishReceive(req, delivery, queued.outcome, startedAt);
          return queued;
        }
        const result = await this.telemetry.withReceive(req, () => this.dispatcher.dispatch(event, rawBody, context));
        this.telemetry.finishReceive(req, delivery, result.outcome, startedAt);
        return answerFor(result);
      } catch (error) {
        this.logRejection(req, error);
        throw error;
      }
    }

    /** The verified event, or the 400 (recorded as a rejection) when the body is not one. */
    private readEvent(req: InkboxRequest): InkboxEvent {
      try {
        return readVerifiedInkboxEvent(req);
      } catch (error) {
        recordInkboxRejection(req, 'invalid_payload');
        throw error;
      }
    }

    /** One rejection log line for a 4xx/503 answer (500s are logged where they arise). */
    private logRejection(req: InkboxRequest, error: unknown): void {
      if (!(error instanceof HttpException) || error.getStatus() === 500) return;
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
  }
  return InkboxWebhookController;
}
