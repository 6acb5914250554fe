import { Controller, Get, Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { INKBOX_IDEMPOTENCY_STORE } from '../../../lib/inkbox.constants';
import {
  InkboxModule,
  OnInkboxEvent,
  type InkboxDeliveryContext,
  type InkboxEvent,
  type InkboxIdempotencyStore,
  type InkboxModuleExtras,
  type InkboxModuleOptions,
} from '../../../lib';
import { signInkboxWebhook } from '../../../lib/testing';

export const GUARANTEE_KEY = 'whsec_guarantees_test_key';
/** Handler ids as the explorer names them (`Class.method`). */
export const FIRST = 'GuaranteeHandlers.first';
export const SECOND = 'GuaranteeHandlers.second';

/** A promise with its resolve function outside. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface Gate {
  entered: { promise: Promise<void>; resolve: (value: void) => void };
  open: { promise: Promise<void>; resolve: (value: void) => void };
}

/** Counts every handler invocation, and lets a test make a handler fail or wait. */
@Injectable()
export class Probe {
  /** `${handler}|${eventKey}` → invocations (failed ones included). */
  readonly invocations = new Map<string, number>();
  /** `${handler}|${eventKey}` → successful invocations. */
  readonly successes = new Map<string, number>();
  readonly deliveries: InkboxDeliveryContext[] = [];
  private readonly failures = new Map<string, number>();
  private readonly gates = new Map<string, Gate>();

  /** Makes `handler` throw on its next `times` invocations for `eventKey`. */
  failNext(handler: string, eventKey: string, times = 1): void {
    this.failures.set(`${handler}|${eventKey}`, times);
  }

  /** Makes `handler` wait, for `eventKey`, until `open()` is called; `entered` resolves when it starts waiting. */
  gate(handler: string, eventKey: string): { entered: Promise<void>; open: () => void } {
    const gate: Gate = { entered: deferred<void>(), open: deferred<void>() };
    this.gates.set(`${handler}|${eventKey}`, gate);
    return { entered: gate.entered.promise, open: () => gate.open.resolve() };
  }

  count(handler: string, eventKey: string): number {
    return this.invocations.get(`${handler}|${eventKey}`) ?? 0;
  }

  succeeded(handler: string, eventKey: string): number {
    return this.successes.get(`${handler}|${eventKey}`) ?? 0;
  }

  total(): number {
    let n = 0;
    for (const v of this.invocations.values()) n += v;
    return n;
  }

  async run(handler: string, delivery: InkboxDeliveryContext): Promise<void> {
    const id = `${handler}|${delivery.eventKey}`;
    this.invocations.set(id, (this.invocations.get(id) ?? 0) + 1);
    this.deliveries.push(delivery);
    const gate = this.gates.get(id);
    if (gate) {
      this.gates.delete(id);
      gate.entered.resolve();
      await gate.open.promise;
    }
    const left = this.failures.get(id) ?? 0;
    if (left > 0) {
      this.failures.set(id, left - 1);
      throw new Error(`${handler} was told to fail`);
    }
    this.successes.set(id, (this.successes.get(id) ?? 0) + 1);
  }
}

/** Two handlers on `message.received`, so partial failures can be seen. */
@Injectable()
export class GuaranteeHandlers {
  constructor(private readonly probe: Probe) {}

  @OnInkboxEvent('message.received')
  first(_event: InkboxEvent, delivery: InkboxDeliveryContext) {
    return this.probe.run(FIRST, delivery);
  }

  @OnInkboxEvent('message.received')
  second(_event: InkboxEvent, delivery: InkboxDeliveryContext) {
    return this.probe.run(SECOND, delivery);
  }
}

@Controller('health')
export class HealthController {
  @Get()
  health() {
    return { ok: true };
  }
}

/** A running app on 127.0.0.1 (real HTTP), with its probe and idempotency store. */
export interface GuaranteeApp {
  app: INestApplication;
  url: string;
  probe: Probe;
  store: InkboxIdempotencyStore | null;
  close(): Promise<void>;
}

/** Starts a real app, listening on a loopback port, with the guarantee handlers. */
export async function startGuaranteeApp(
  inkbox: Partial<InkboxModuleOptions> & InkboxModuleExtras = {},
): Promise<GuaranteeApp> {
  @Module({ providers: [Probe, GuaranteeHandlers], exports: [Probe] })
  class HandlersModule {}

  @Module({
    imports: [InkboxModule.forRoot({ signingKey: GUARANTEE_KEY, ...inkbox }), HandlersModule],
    controllers: [HealthController],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    probe: app.get(Probe),
    store: app.get<InkboxIdempotencyStore | null>(INKBOX_IDEMPOTENCY_STORE, { strict: false }),
    close: () => app.close(),
  };
}

/** Sends a body signed (freshly: new request id and timestamp, as a retry or replay is) over HTTP. */
export function deliver(url: string, body: unknown, options: { key?: string; path?: string; timestamp?: number } = {}) {
  const signed = signInkboxWebhook(body, { signingKey: options.key ?? GUARANTEE_KEY, timestamp: options.timestamp });
  return request(url)
    .post(options.path ?? '/inkbox/webhooks')
    .set(signed.headers)
    .send(signed.body);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
