import { Injectable, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  InkboxEvent,
  InkboxModule,
  MessageReceivedEvent,
  OnInkboxEvent,
  type InkboxDeliveryContext,
  type InkboxModuleExtras,
  type InkboxModuleOptions,
  type InkboxQueueDeliveryOptions,
} from '../../../lib';
import { SIGNING_KEY } from '../../support/http';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One handler run, as the handler saw it. */
export interface QueueCall {
  handler: string;
  eventId: string;
  className: string;
  attempt: number | undefined;
  queuedAt: Date | undefined;
  eventKey: string;
}

/** What a handler does for an event id: a plan the test writes before sending. */
export type Plan = { sleepMs?: number; failTimes?: number; alwaysFail?: boolean };

@Injectable()
export class QueueLog {
  readonly calls: QueueCall[] = [];
  readonly completed: QueueCall[] = [];
  readonly plans = new Map<string, Plan>();
  private readonly failures = new Map<string, number>();

  async run(handler: string, event: InkboxEvent, delivery: InkboxDeliveryContext): Promise<void> {
    const call: QueueCall = {
      handler,
      eventId: String(event.id),
      className: event.constructor.name,
      attempt: delivery.attempt,
      queuedAt: delivery.queuedAt,
      eventKey: delivery.eventKey,
    };
    this.calls.push(call);
    const plan = this.plans.get(`${handler}:${call.eventId}`) ?? this.plans.get(call.eventId) ?? {};
    if (plan.sleepMs) await sleep(plan.sleepMs);
    const failed = this.failures.get(`${handler}:${call.eventId}`) ?? 0;
    if (plan.alwaysFail || failed < (plan.failTimes ?? 0)) {
      this.failures.set(`${handler}:${call.eventId}`, failed + 1);
      throw new Error(`${handler} failed on purpose (run ${failed + 1})`);
    }
    this.completed.push(call);
  }

  completedFor(eventId: string): QueueCall[] {
    return this.completed.filter((c) => c.eventId === eventId);
  }
}

@Injectable()
export class QueueHandlers {
  constructor(private readonly log: QueueLog) {}

  @OnInkboxEvent('message.received')
  onReceived(event: MessageReceivedEvent, delivery: InkboxDeliveryContext) {
    return this.log.run('received', event, delivery);
  }

  @OnInkboxEvent('*')
  onAny(event: InkboxEvent, delivery: InkboxDeliveryContext) {
    return this.log.run('any', event, delivery);
  }
}

/**
 * A unique queue on the test Redis, with short timings. The lease is 5 s (not less) although no test
 * here crashes a worker: on a busy machine a worker's lock renewal can be late, and BullMQ then runs
 * the job again as if the worker had died (the crash tests run in test/queue/processes.e2e.spec.ts).
 */
export function queueDelivery(
  url: string,
  extra: Partial<InkboxQueueDeliveryOptions> = {},
): InkboxQueueDeliveryOptions {
  return {
    mode: 'queue',
    redis: { url },
    queueName: `inkbox-test-${randomUUID()}`,
    attempts: 3,
    backoffMs: 50,
    leaseMs: 5_000,
    concurrency: 8,
    ...extra,
  };
}

/** A real app with the module in queue mode and the recording handlers, on 127.0.0.1. */
export async function createQueueApp(
  inkbox: Partial<InkboxModuleOptions> & InkboxModuleExtras & { delivery: InkboxQueueDeliveryOptions },
): Promise<{ app: INestApplication; log: QueueLog }> {
  @Module({ providers: [QueueLog, QueueHandlers], exports: [QueueLog] })
  class Handlers {}
  @Module({ imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY, ...inkbox }), Handlers] })
  class AppModule {}
  const app = await NestFactory.create(AppModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { app, log: app.get(QueueLog) };
}

/** Deletes every key of a test queue. */
export async function dropQueue(url: string, queueName: string, prefix = 'bull'): Promise<void> {
  const redis = new Redis(url);
  try {
    const keys = await redis.keys(`${prefix}:${queueName}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

/** Polls `check` until it returns true or `ms` pass; returns the last result. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, step = 50): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await sleep(step);
  }
}
