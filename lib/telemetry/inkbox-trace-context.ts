import { loadOpenTelemetryApi, type OtelApi, type OtelContext } from './otel-api.js';

/** A plain, JSON-safe object that carries trace context (W3C `traceparent`, `tracestate`, baggage). */
export type InkboxTraceCarrier = Record<string, string>;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Writes the active trace context into `carrier` (a new object by default) and returns it: call it
 * while a delivery is being received (e.g. when enqueueing a job) and store the carrier with the
 * job. Uses the app's registered propagator, and writes a W3C `traceparent` itself when none did.
 * Returns an empty carrier without `@opentelemetry/api` or without an active span.
 */
export function injectInkboxTraceContext(carrier: InkboxTraceCarrier = {}): InkboxTraceCarrier {
  const api = loadOpenTelemetryApi();
  if (!api) return carrier;
  const active = api.context.active();
  api.propagation.inject(active, carrier);
  if (carrier.traceparent === undefined) {
    const span = api.trace.getSpanContext(active);
    if (span && api.trace.isSpanContextValid(span)) {
      carrier.traceparent = `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
    }
  }
  return carrier;
}

/**
 * Runs `fn` with the trace context of `carrier` active (see `injectInkboxTraceContext`), so the
 * spans started inside — the `inkbox.handle` spans of a queue worker, for instance — join the trace
 * of the delivery that produced the carrier. Without a carrier or without OpenTelemetry, just runs `fn`.
 */
export function runWithInkboxTraceContext<T>(carrier: InkboxTraceCarrier | null | undefined, fn: () => T): T {
  const api = loadOpenTelemetryApi();
  if (!api || !carrier || typeof carrier !== 'object') return fn();
  return api.context.with(extract(api, carrier), fn);
}

function extract(api: OtelApi, carrier: InkboxTraceCarrier): OtelContext {
  const base = api.context.active();
  const extracted = api.propagation.extract(base, carrier);
  const found = api.trace.getSpanContext(extracted);
  if (found && api.trace.isSpanContextValid(found) && found !== api.trace.getSpanContext(base)) return extracted;
  const match = typeof carrier.traceparent === 'string' ? TRACEPARENT.exec(carrier.traceparent) : null;
  if (!match) return extracted;
  return api.trace.setSpanContext(extracted, {
    traceId: match[1]!,
    spanId: match[2]!,
    traceFlags: parseInt(match[3]!, 16),
    isRemote: true,
  });
}
