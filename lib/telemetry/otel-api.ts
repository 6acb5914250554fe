import { createRequire } from 'node:module';
import { join } from 'node:path';

/*
 * The few parts of `@opentelemetry/api` the module uses, typed structurally so that the package's
 * own type declarations never mention the optional peer dependency.
 */

/** An OpenTelemetry context (opaque). */
export type OtelContext = object;

/** Attribute values the module sets. */
export type OtelAttributes = Record<string, string | number | boolean | undefined>;

/** The span methods the module calls. */
export interface OtelSpan {
  setAttribute(key: string, value: string | number | boolean): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error | string): void;
  end(): void;
  spanContext(): { traceId: string; spanId: string; traceFlags: number };
  isRecording(): boolean;
}

/** A tracer. */
export interface OtelTracer {
  startSpan(name: string, options?: { kind?: number; attributes?: OtelAttributes }, context?: OtelContext): OtelSpan;
}

/** A counter or an up-down counter. */
export interface OtelCounter {
  add(value: number, attributes?: OtelAttributes): void;
}

/** A histogram. */
export interface OtelHistogram {
  record(value: number, attributes?: OtelAttributes): void;
}

/** What an observable instrument's callback is given. */
export interface OtelObservableResult {
  observe(value: number, attributes?: OtelAttributes): void;
}

/** An observable gauge. */
export interface OtelObservableGauge {
  addCallback(callback: (result: OtelObservableResult) => void | Promise<void>): void;
}

/** A meter. */
export interface OtelMeter {
  createCounter(name: string, options?: { description?: string; unit?: string }): OtelCounter;
  createHistogram(name: string, options?: { description?: string; unit?: string }): OtelHistogram;
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): OtelObservableGauge;
}

/** A span context as carried between processes. */
export interface OtelSpanContext {
  traceId: string;
  spanId: string;
  traceFlags: number;
  isRemote?: boolean;
}

/** The subset of `@opentelemetry/api` the module uses. */
export interface OtelApi {
  trace: {
    getTracer(name: string, version?: string): OtelTracer;
    setSpan(context: OtelContext, span: OtelSpan): OtelContext;
    getSpanContext(context: OtelContext): OtelSpanContext | undefined;
    setSpanContext(context: OtelContext, spanContext: OtelSpanContext): OtelContext;
    isSpanContextValid(spanContext: OtelSpanContext): boolean;
  };
  context: {
    active(): OtelContext;
    with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
      context: OtelContext,
      fn: F,
      thisArg?: unknown,
      ...args: A
    ): ReturnType<F>;
  };
  propagation: {
    inject(context: OtelContext, carrier: Record<string, string>): void;
    extract(context: OtelContext, carrier: Record<string, string>): OtelContext;
  };
  metrics: { getMeter(name: string, version?: string): OtelMeter };
  SpanStatusCode: { UNSET: number; OK: number; ERROR: number };
  SpanKind: { INTERNAL: number; SERVER: number; CONSUMER: number };
  /** The span context of the spans handed out while no tracing SDK is registered. */
  INVALID_SPAN_CONTEXT?: OtelSpanContext;
  /** The meter used while no metrics SDK is registered (absent before API 1.3). */
  createNoopMeter?(): OtelMeter;
}

let cached: OtelApi | null | undefined;

/**
 * Loads `@opentelemetry/api` once, synchronously, when it is installed; `null` when it is not (then
 * every telemetry call of the module is a no-op). The API keeps its registrations on a global, so
 * the copy found here sees the SDK the app registered. Resolved by the CommonJS `require` when there
 * is one, then from the library's own location, the app's entry script and the working directory.
 */
export function loadOpenTelemetryApi(): OtelApi | null {
  if (cached !== undefined) return cached;
  cached = null;
  const loaders: Array<() => unknown> = [];
  // CommonJS: the module system that loaded this file (also what test runners hand out)
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- an optional peer, loaded lazily from CommonJS
  if (typeof require === 'function') loaders.push(() => require('@opentelemetry/api'));
  const bases: string[] = [];
  if (typeof __filename === 'string') bases.push(__filename);
  if (typeof process.argv[1] === 'string' && process.argv[1] !== '') bases.push(process.argv[1]);
  bases.push(join(process.cwd(), 'noop.js'));
  for (const base of bases) loaders.push(() => createRequire(base)('@opentelemetry/api'));
  for (const load of loaders) {
    try {
      const api = load() as Partial<OtelApi>;
      if (api && api.trace && api.context && api.metrics && api.propagation) {
        cached = api as OtelApi;
        break;
      }
    } catch {
      // not installed next to this base: try the next one
    }
  }
  return cached;
}
