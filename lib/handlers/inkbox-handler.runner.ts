import { Inject, Injectable, Logger } from '@nestjs/common';
import { INKBOX_RESOLVED_OPTIONS } from '../inkbox.constants.js';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import type { InkboxHandlerErrorHook, InkboxHandlerErrorInfo } from '../telemetry/inkbox-handler-error.interface.js';
import { InkboxLogEntry, isInkboxDebugLogged, type InkboxLogFields } from '../telemetry/inkbox-log-entry.js';
import { InkboxTelemetry, type InkboxHandlerOutcome } from '../telemetry/inkbox-telemetry.service.js';
import type { InkboxDeliveryContext } from './inkbox-delivery-context.interface.js';
import { InkboxHandlerExplorer } from './inkbox-handler.explorer.js';
import type { InkboxHandler } from './inkbox-handler.interface.js';
import { INKBOX_HANDLER_SKIPPED } from './inkbox-handler.pipeline.js';

/** How one handler run ended. */
export interface InkboxHandlerRun {
  readonly outcome: InkboxHandlerOutcome;
  /** Set when the outcome is `'failed'`. */
  readonly error?: Error;
  readonly durationMs: number;
}

/**
 * Runs one handler the way every delivery mode does: inside an `inkbox.handle` span, timed, logged
 * with structured fields, and on failure reported to the error hooks. Never throws.
 */
@Injectable()
export class InkboxHandlerRunner {
  private readonly logger = new Logger('InkboxWebhook');

  constructor(
    private readonly telemetry: InkboxTelemetry,
    private readonly explorer: InkboxHandlerExplorer,
    @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options: ResolvedInkboxOptions,
  ) {}

  /** Runs `handler` for `event`; resolves to its outcome (a guard returning false gives `'ignored'`). */
  async run(handler: InkboxHandler, event: InkboxEvent, delivery: InkboxDeliveryContext): Promise<InkboxHandlerRun> {
    const scope = this.telemetry.startHandle(handler.id);
    try {
      const result = await scope.run(() => handler.invoke(event, delivery));
      const skipped = result === INKBOX_HANDLER_SKIPPED;
      const outcome = skipped ? 'ignored' : 'processed';
      const durationMs = scope.end(outcome);
      if (isInkboxDebugLogged(this.logger)) {
        const what = skipped ? 'skipped' : 'processed';
        const why = skipped ? ': a guard returned false' : '';
        this.logger.debug(
          new InkboxLogEntry(`Handler ${handler.id} ${what} ${describe(event, delivery)}${why}`, {
            ...fieldsOf(handler, event, delivery),
            outcome,
            durationMs,
          }),
        );
      }
      return { outcome, durationMs };
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      const durationMs = scope.end('failed', error);
      this.logger.error(
        new InkboxLogEntry(`Handler ${handler.id} failed for ${describe(event, delivery)}: ${error.message}`, {
          ...fieldsOf(handler, event, delivery),
          outcome: 'failed',
          durationMs,
          err: error,
        }),
        error.stack,
      );
      scope.run(() => this.report({ error, event, delivery, handler: handler.id }));
      return { outcome: 'failed', error, durationMs };
    }
  }

  /** Calls every error hook; a hook that throws or rejects is logged, never propagated, never awaited. */
  private report(info: InkboxHandlerErrorInfo): void {
    const hooks: InkboxHandlerErrorHook[] = [...this.explorer.errorHooks];
    if (this.options.onHandlerError) hooks.push(this.options.onHandlerError);
    for (const hook of hooks) {
      const fail = (e: unknown) =>
        this.logger.error(
          new InkboxLogEntry(`An Inkbox handler error hook failed: ${(e as Error)?.message ?? String(e)}`, {
            handler: info.handler,
            eventId: info.delivery.eventKey,
          }),
        );
      try {
        const result = hook(info);
        if (result && typeof (result as PromiseLike<unknown>).then === 'function')
          (result as PromiseLike<unknown>).then(undefined, fail);
      } catch (e) {
        fail(e);
      }
    }
  }
}

function fieldsOf(handler: InkboxHandler, event: InkboxEvent, delivery: InkboxDeliveryContext): InkboxLogFields {
  return {
    eventId: delivery.eventKey,
    eventType: event.event_type,
    requestId: delivery.requestId,
    handler: handler.id,
  };
}

function describe(event: InkboxEvent, delivery: InkboxDeliveryContext): string {
  return `${event.event_type} event ${delivery.eventKey} (request ${delivery.requestId})`;
}
