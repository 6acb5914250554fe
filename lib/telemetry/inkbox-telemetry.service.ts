import { Injectable, Logger } from '@nestjs/common';
import { NESTJS_INKBOX_VERSION } from '../admin/version.js';
import { INKBOX_REQUEST_ID_HEADER } from '../inkbox.constants.js';
import { InkboxLogEntry, isInkboxDebugLogged } from './inkbox-log-entry.js';
import { getInkboxRejection } from './inkbox-rejection.js';
import {
  INKBOX_ATTRIBUTES,
  INKBOX_HANDLE_SPAN,
  INKBOX_INSTRUMENTATION_SCOPE,
  INKBOX_METRICS,
  INKBOX_RECEIVE_SPAN,
} from './inkbox-telemetry.constants.js';
import {
  loadOpenTelemetryApi,
  type OtelApi,
  type OtelContext,
  type OtelCounter,
  type OtelHistogram,
  type OtelMeter,
  type OtelObservableGauge,
  type OtelSpan,
  type OtelTracer,
} from './otel-api.js';

/** Outcome of one delivery, as recorded on `inkbox.receive` and `inkbox.deliveries`. */
export type InkboxDeliveryOutcome =
  'processed' | 'ignored' | 'duplicate' | 'failed' | 'queued' | 'in-flight' | 'store-unavailable';

/** Outcome of one handler run, as recorded on `inkbox.handle` and `inkbox.handler.duration`. */
export type InkboxHandlerOutcome = 'processed' | 'failed' | 'ignored';

/** The span of one handler run; every method is a no-op without OpenTelemetry. */
export interface InkboxHandleScope {
  /** Runs `fn` with the handler span active, so spans the handler starts are its children. */
  run<T>(fn: () => T): T;
  /** Ends the span (ERROR and the exception when `error` is given) and records the duration. */
  end(outcome: InkboxHandlerOutcome, error?: Error): number;
}

const RECEIVE = Symbol.for('nestjs-inkbox:receive-span');

interface ReceiveState {
  readonly span: OtelSpan;
  readonly context: OtelContext;
  readonly started: number;
  ended: boolean;
}

interface Instruments {
  /** False when the meter is the API's no-op one (no metrics SDK was registered). */
  readonly metricsLive: boolean;
  readonly tracer: OtelTracer;
  readonly meter: OtelMeter;
  readonly deliveries: OtelCounter;
  readonly rejections: OtelCounter;
  readonly handlerDuration: OtelHistogram;
}

type RawResponse = { once(event: string, listener: () => void): unknown; statusCode?: number };

/**
 * Spans and metrics of the webhook route through `@opentelemetry/api` when it is installed (an
 * optional peer); without it, or without a registered SDK, everything here costs next to nothing.
 */
@Injectable()
export class InkboxTelemetry {
  private readonly logger = new Logger('InkboxWebhook');
  private readonly api: OtelApi | null = loadOpenTelemetryApi();
  private readonly instruments: Instruments | null = this.api ? createInstruments(this.api) : null;
  private queueGauge: OtelObservableGauge | undefined;

  /** True when `@opentelemetry/api` was found. */
  get enabled(): boolean {
    return this.instruments !== null;
  }

  /**
   * Starts `inkbox.receive` for a webhook request (child of the active HTTP span); ends on the answer.
   * With neither a tracing nor a metrics SDK registered it leaves nothing on the request.
   */
  startReceive(req: object, res: unknown): void {
    const api = this.api;
    const tools = this.instruments;
    if (!api || !tools || (req as Record<symbol, unknown>)[RECEIVE]) return;
    const parent = api.context.active();
    const span = tools.tracer.startSpan(INKBOX_RECEIVE_SPAN, { kind: api.SpanKind.INTERNAL }, parent);
    if (!tools.metricsLive && isNoopSpan(api, span)) return;
    const requestId = (req as { headers?: Record<string, unknown> }).headers?.[INKBOX_REQUEST_ID_HEADER];
    if (typeof requestId === 'string') span.setAttribute(INKBOX_ATTRIBUTES.requestId, requestId.slice(0, 128));
    const state: ReceiveState = {
      span,
      context: api.trace.setSpan(parent, span),
      started: performance.now(),
      ended: false,
    };
    (req as Record<symbol, unknown>)[RECEIVE] = state;
    const raw = ((res as { raw?: RawResponse } | undefined)?.raw ?? res) as RawResponse | undefined;
    if (raw && typeof raw.once === 'function') {
      const onDone = () => this.endRejected(req, state, raw.statusCode ?? 0);
      raw.once('finish', onDone);
      raw.once('close', onDone);
    }
  }

  /**
   * Records a delivery answered by the raw-body capture before it reached Nest (bad headers, stale
   * timestamp, wrong type, too large): one `inkbox.receive` span with ERROR and the reason.
   */
  recordEarlyRejection(req: object, reason: string): void {
    if (!this.api || !this.instruments) return;
    const state = (req as Record<symbol, ReceiveState | undefined>)[RECEIVE];
    if (state) {
      if (!state.ended) this.endRejectedWith(state, reason);
      return;
    }
    const span = this.instruments.tracer.startSpan(
      INKBOX_RECEIVE_SPAN,
      { kind: this.api.SpanKind.INTERNAL },
      this.api.context.active(),
    );
    const requestId = (req as { headers?: Record<string, unknown> }).headers?.[INKBOX_REQUEST_ID_HEADER];
    if (typeof requestId === 'string') span.setAttribute(INKBOX_ATTRIBUTES.requestId, requestId.slice(0, 128));
    this.endRejectedWith(
      { span, context: this.api.context.active(), started: performance.now(), ended: false },
      reason,
    );
  }

  /** Runs `fn` inside the request's `inkbox.receive` span (handler spans become its children). */
  withReceive<T>(req: object, fn: () => T): T {
    const state = (req as Record<symbol, ReceiveState | undefined>)[RECEIVE];
    return state && this.api ? this.api.context.with(state.context, fn) : fn();
  }

  /** Records the outcome of a verified delivery and ends its `inkbox.receive` span (`startedAt`: when the request reached the controller). */
  finishReceive(
    req: object,
    delivery: { eventType: string; eventId: string; requestId: string },
    outcome: InkboxDeliveryOutcome,
    startedAt?: number,
  ): void {
    const state = (req as Record<symbol, ReceiveState | undefined>)[RECEIVE];
    if (isInkboxDebugLogged(this.logger)) {
      // from the receive span's start when there is one, else from `startedAt` (performance.now())
      const started = state?.started ?? startedAt;
      const durationMs = started === undefined ? undefined : Math.round(performance.now() - started);
      this.logger.debug(
        new InkboxLogEntry(`Delivery of ${delivery.eventType} event ${delivery.eventId}: ${outcome}`, {
          ...delivery,
          outcome,
          durationMs,
        }),
      );
    }
    if (!this.api || !this.instruments) return;
    this.instruments.deliveries.add(1, { event_type: delivery.eventType, outcome });
    if (!state || state.ended) return;
    state.ended = true;
    const { span } = state;
    span.setAttribute(INKBOX_ATTRIBUTES.eventType, delivery.eventType);
    span.setAttribute(INKBOX_ATTRIBUTES.eventId, delivery.eventId);
    span.setAttribute(INKBOX_ATTRIBUTES.outcome, outcome);
    if (outcome === 'failed' || outcome === 'store-unavailable')
      span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: outcome });
    span.end();
  }

  /** Starts `inkbox.handle` for one handler run, as a child of the active span. */
  startHandle(handler: string): InkboxHandleScope {
    const started = performance.now();
    const api = this.api;
    const tools = this.instruments;
    if (!api || !tools) return untracedScope(started);
    const parent = api.context.active();
    const span = tools.tracer.startSpan(
      INKBOX_HANDLE_SPAN,
      { kind: api.SpanKind.INTERNAL, attributes: { [INKBOX_ATTRIBUTES.handler]: handler } },
      parent,
    );
    if (!tools.metricsLive && isNoopSpan(api, span)) return untracedScope(started);
    const context = api.trace.setSpan(parent, span);
    return {
      run: (fn) => api.context.with(context, fn),
      end: (outcome, error) => {
        const took = performance.now() - started;
        span.setAttribute(INKBOX_ATTRIBUTES.outcome, outcome);
        if (error) {
          span.recordException(error);
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
        }
        span.end();
        tools.handlerDuration.record(took, { handler, outcome });
        return Math.round(took);
      },
    };
  }

  /**
   * Reports queue depth as the gauge `inkbox.queue.jobs` {state}: `read` is called at each metric
   * collection and returns the current counts (e.g. `{ waiting, failed }` of the delivery queue).
   */
  observeQueue(read: () => Promise<Record<string, number>> | Record<string, number>): void {
    if (!this.instruments) return;
    this.queueGauge ??= this.instruments.meter.createObservableGauge(INKBOX_METRICS.queueJobs, {
      description: 'Jobs of the Inkbox delivery queue, by state.',
    });
    this.queueGauge.addCallback(async (result) => {
      try {
        const counts = await read();
        for (const [state, value] of Object.entries(counts))
          if (Number.isFinite(value)) result.observe(value, { state });
      } catch {
        // an unreachable queue reports nothing for this collection
      }
    });
  }

  private endRejected(req: object, state: ReceiveState, status: number): void {
    if (state.ended || !this.api || !this.instruments) return;
    state.ended = true;
    if (status >= 200 && status < 400 && !getInkboxRejection(req)) {
      // a route of the app's own behind the signature guard answered: accepted, nothing to record as rejected
      state.span.end();
      return;
    }
    const reason = getInkboxRejection(req) ?? (status >= 500 || status === 0 ? 'internal_error' : `http_${status}`);
    this.endRejectedWith(state, reason);
  }

  private endRejectedWith(state: ReceiveState, reason: string): void {
    if (!this.api || !this.instruments) return;
    state.ended = true;
    const { span } = state;
    span.setAttribute(INKBOX_ATTRIBUTES.outcome, 'rejected');
    span.setAttribute(INKBOX_ATTRIBUTES.rejectedReason, reason);
    span.setStatus({ code: this.api.SpanStatusCode.ERROR, message: reason });
    span.end();
    this.instruments.rejections.add(1, { reason });
  }
}

/** The scope of a handler run that nobody traces or measures: it only times the run. */
function untracedScope(started: number): InkboxHandleScope {
  return { run: (fn) => fn(), end: () => Math.round(performance.now() - started) };
}

/** True for the span the API hands out while no tracing SDK is registered: it records nothing and carries no trace. */
function isNoopSpan(api: OtelApi, span: OtelSpan): boolean {
  if (span.isRecording()) return false;
  const context = span.spanContext();
  return context === api.INVALID_SPAN_CONTEXT || !api.trace.isSpanContextValid(context);
}

function createInstruments(api: OtelApi): Instruments {
  const meter = api.metrics.getMeter(INKBOX_INSTRUMENTATION_SCOPE, NESTJS_INKBOX_VERSION);
  const noopMeter = api.createNoopMeter?.();
  return {
    // the API gives out its no-op meter for good when no metrics SDK was registered before this point
    metricsLive: !noopMeter || meter.constructor !== noopMeter.constructor,
    tracer: api.trace.getTracer(INKBOX_INSTRUMENTATION_SCOPE, NESTJS_INKBOX_VERSION),
    meter,
    deliveries: meter.createCounter(INKBOX_METRICS.deliveries, {
      description: 'Verified Inkbox deliveries, by event type and outcome.',
    }),
    rejections: meter.createCounter(INKBOX_METRICS.rejections, {
      description: 'Rejected Inkbox deliveries, by reason.',
    }),
    handlerDuration: meter.createHistogram(INKBOX_METRICS.handlerDuration, {
      description: 'Run time of Inkbox event handlers.',
      unit: 'ms',
    }),
  };
}
