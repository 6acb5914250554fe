import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { injectInkboxTraceContext, runWithInkboxTraceContext } from '../../lib';

// An SDK without a registered propagator: the helpers still carry a W3C traceparent.
const spans = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

describe('trace context carriers without a registered propagator', () => {
  const tracer = trace.getTracer('test');

  it('writes a W3C traceparent of the active span and continues the trace from it', () => {
    const carrier = tracer.startActiveSpan('receive', (span) => {
      const c = injectInkboxTraceContext();
      span.end();
      return c;
    });
    const sent = spans.getFinishedSpans()[0]!.spanContext();
    expect(carrier).toEqual({ traceparent: `00-${sent.traceId}-${sent.spanId}-01` });

    runWithInkboxTraceContext(JSON.parse(JSON.stringify(carrier)), () => tracer.startSpan('worker').end());
    const worker = spans.getFinishedSpans().find((s) => s.name === 'worker')!;
    expect(worker.spanContext().traceId).toBe(sent.traceId);
    expect(worker.parentSpanContext?.spanId).toBe(sent.spanId);
  });

  it('with no active span or a missing/garbled carrier, runs the function as is', () => {
    expect(injectInkboxTraceContext()).toEqual({});
    expect(runWithInkboxTraceContext(undefined, () => 42)).toBe(42);
    expect(runWithInkboxTraceContext({ traceparent: 'garbage' }, () => trace.getActiveSpan())).toBeUndefined();
  });
});
