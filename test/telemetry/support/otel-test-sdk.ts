import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

/** The OpenTelemetry SDK as an app registers it, with in-memory exporters to assert on. */
export function registerTestSdk(options: { propagator?: boolean } = {}) {
  const spans = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  if (options.propagator !== false) propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const reader = new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

  /** Sum of a counter's (or a histogram's count) data points whose attributes include `attrs`. */
  async function metricValue(name: string, attrs: Record<string, string>): Promise<number> {
    const { resourceMetrics } = await reader.collect();
    let total = 0;
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        if (metric.descriptor.name !== name) continue;
        for (const point of metric.dataPoints as Array<{ attributes: Record<string, unknown>; value: unknown }>) {
          if (!Object.entries(attrs).every(([k, v]) => point.attributes[k] === v)) continue;
          total += typeof point.value === 'number' ? point.value : (point.value as { count: number }).count;
        }
      }
    }
    return total;
  }

  /** Descriptor unit of a metric, once it has been recorded. */
  async function metricUnit(name: string): Promise<string | undefined> {
    const { resourceMetrics } = await reader.collect();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const m of scope.metrics) if (m.descriptor.name === name) return m.descriptor.unit;
    return undefined;
  }

  /** Waits (bounded) until `pick` finds something in the finished spans. */
  async function waitForSpans<T>(pick: (finished: ReadableSpan[]) => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const found = pick(spans.getFinishedSpans());
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`no finished span matched: ${what}`);
  }

  return { spans, metricValue, metricUnit, waitForSpans };
}

/**
 * Does what HTTP server instrumentation does: every request runs inside a SERVER span named
 * `HTTP <method>`, with the request and response emitters bound to its context.
 */
export function instrumentHttpServer(server: Server): void {
  const tracer = trace.getTracer('test-http');
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const span = tracer.startSpan(`HTTP ${req.method}`, { kind: SpanKind.SERVER });
    const ctx = trace.setSpan(context.active(), span);
    context.bind(ctx, req);
    context.bind(ctx, res);
    res.once('finish', () => span.end());
    context.with(ctx, () => listeners.forEach((listener) => listener.call(server, req, res)));
  });
}

/** The parent span id of a finished span. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId;
}
