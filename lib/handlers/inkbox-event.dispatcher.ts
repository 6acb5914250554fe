import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { INKBOX_IDEMPOTENCY_STORE, INKBOX_RESOLVED_OPTIONS } from '../inkbox.constants.js';
import type { InkboxClaimOptions, InkboxIdempotencyStore } from '../idempotency/inkbox-idempotency-store.interface.js';
import type { InkboxDeliveryContext } from './inkbox-delivery-context.interface.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import type { InkboxDispatchResult } from './inkbox-dispatch-result.js';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import type { InkboxHandler } from './inkbox-handler.interface.js';
import { InkboxHandlerExplorer } from './inkbox-handler.explorer.js';
import { inkboxLogValue } from '../receiver/inkbox-log-value.js';
import { INKBOX_HANDLER_SKIPPED } from './inkbox-handler.pipeline.js';
import { InkboxHandlerRunner } from './inkbox-handler.runner.js';
import { InkboxLogEntry, type InkboxLogFields } from '../telemetry/inkbox-log-entry.js';
import { findInkboxEventEmitter, type InkboxEmitterLike } from './inkbox-event-emitter.loader.js';

/**
 * The key an event is deduplicated on: its `id`, or `sha256:` + a SHA-256 of the exact body when it
 * has none. An `id` that itself begins with a reserved prefix (`sha256:` or `id:`) gets `id:` in
 * front, so an id can never collide with the fallback of another body, whatever it holds.
 */
export function inkboxEventKey(event: InkboxEvent, rawBody: Buffer): string {
  const id = event.id;
  if (typeof id === 'string' && id !== '') return id.startsWith('sha256:') || id.startsWith('id:') ? `id:${id}` : id;
  return `sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

// What the event-emitter bridge forwards: dotted lower-case words, never wildcards or separators alone
const BRIDGED_EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/**
 * Runs the handlers of a verified event: all of them, concurrently, each failure isolated and
 * logged; with the idempotency store, only the handlers that have not completed for this event
 * yet, and never one that another delivery is running at the same moment.
 */
@Injectable()
export class InkboxEventDispatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger('InkboxWebhook');
  private emitter: InkboxEmitterLike | undefined;
  /** Per event type: its handlers followed by the bridge, built once. */
  private readonly withBridge = new Map<string, readonly InkboxHandler[]>();

  constructor(
    private readonly explorer: InkboxHandlerExplorer,
    private readonly moduleRef: ModuleRef,
    @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options: ResolvedInkboxOptions,
    @Optional() @Inject(INKBOX_IDEMPOTENCY_STORE) private readonly store: InkboxIdempotencyStore | null,
    private readonly runner: InkboxHandlerRunner,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.emitEvents) return;
    this.emitter = findInkboxEventEmitter(this.moduleRef);
  }

  /** Handlers that would run for `type` (typed first, then `'*'`, then the event-emitter bridge). */
  handlersFor(type: string): readonly InkboxHandler[] {
    const handlers = this.explorer.handlersFor(type);
    const emitter = this.emitter;
    const name = `inkbox.${type}`;
    // only when someone listens: with no listener the event is 'ignored', as without the bridge
    if (
      !emitter ||
      !BRIDGED_EVENT_TYPE.test(type) ||
      !((emitter.listenerCount?.(name) ?? emitter.listeners?.(name)?.length ?? 1) > 0)
    )
      return handlers;
    let withBridge = this.withBridge.get(type);
    if (!withBridge) {
      const bridge: InkboxHandler = {
        id: `EventEmitter2:${name}`,
        types: [type],
        invoke: (event, delivery) => emitter.emitAsync(name, event, delivery),
      };
      withBridge = [...handlers, bridge];
      // bounded: only event types that some listener matched
      if (this.withBridge.size < 1000) this.withBridge.set(type, withBridge);
    }
    return withBridge;
  }

  /** Dispatches one verified event. Never throws: failures are reported in the result. */
  async dispatch(
    event: InkboxEvent,
    rawBody: Buffer,
    delivery: Omit<InkboxDeliveryContext, 'eventKey'> & { eventKey?: string },
  ): Promise<InkboxDispatchResult> {
    const handlers = this.handlersFor(event.event_type);
    if (handlers.length === 0) return { outcome: 'ignored' };
    // queue mode passes the key computed when the event was received
    const context: InkboxDeliveryContext = {
      ...delivery,
      eventKey: delivery.eventKey ?? inkboxEventKey(event, rawBody),
    };
    const idempotency = this.options.idempotency;
    if (!this.store || idempotency === false) return this.runAll(event, context, handlers);

    const claimOptions = { leaseMs: idempotency.leaseMs, ttlMs: idempotency.ttlMs };
    let claim;
    try {
      claim = await this.store.claim(context.eventKey, idsOf(handlers), claimOptions);
    } catch (error) {
      const detail = (error as Error)?.message ?? String(error);
      if (idempotency.onStoreError === 'open') {
        this.logger.warn(
          this.entry(
            `Idempotency store unavailable (${detail}); running the handlers of ${this.describe(event, context)} without duplicate protection (onStoreError: 'open').`,
            event,
            context,
          ),
        );
        return this.runAll(event, context, handlers);
      }
      this.logger.error(
        this.entry(
          `Idempotency store unavailable (${detail}); answering 503 for ${this.describe(event, context)} so Inkbox retries later.`,
          event,
          context,
          { outcome: 'store-unavailable' },
        ),
      );
      return { outcome: 'store-unavailable', message: 'The idempotency store is unavailable; retry later.' };
    }
    const chosen = claim.run.length === handlers.length ? handlers : handlersIn(handlers, claim.run);
    if (chosen.length === 0) {
      return claim.busy.length > 0 ? { outcome: 'in-flight', busy: claim.busy } : { outcome: 'duplicate' };
    }
    const finish = (handler: InkboxHandler) => this.runClaimed(handler, event, context, claim.token, claimOptions);
    // one handler (the usual case) without the array of promises
    const errors = chosen.length === 1 ? [await finish(chosen[0]!)] : await Promise.all(chosen.map(finish));
    const failed = chosen.filter((_h, i) => isFailure(errors[i])).map((h) => h.id);
    if (failed.length > 0)
      return { outcome: 'failed', failed, retriesFailedOnly: true, errors: errors.filter(isFailure) };
    if (claim.busy.length > 0) return { outcome: 'in-flight', busy: claim.busy };
    return { outcome: errors.every((e) => e === INKBOX_HANDLER_SKIPPED) ? 'ignored' : 'processed' };
  }

  /** Runs one claimed handler, then records its completion (or gives its claim back); resolves to its error. */
  private async runClaimed(
    handler: InkboxHandler,
    event: InkboxEvent,
    context: InkboxDeliveryContext,
    token: string,
    claimOptions: InkboxClaimOptions,
  ): Promise<unknown> {
    const idempotency = this.options.idempotency as Exclude<ResolvedInkboxOptions['idempotency'], false>;
    const started = Date.now();
    const error = await this.invoke(handler, event, context);
    const took = Date.now() - started;
    // (queue mode: the job's lock, renewed while the worker lives, keeps other runs away)
    if (took > idempotency.leaseMs && context.attempt === undefined) {
      this.logger.warn(
        this.entry(
          `Handler ${handler.id} took ${took} ms for ${this.describe(event, context)}, longer than idempotency.leaseMs (${idempotency.leaseMs} ms): ` +
            'a redelivery in that time may have run it again. Raise leaseMs above your slowest handler.',
          event,
          context,
          { handler: handler.id, durationMs: took },
        ),
      );
    }
    try {
      if (!isFailure(error)) await this.store!.complete(context.eventKey, handler.id, token, claimOptions);
      else await this.store!.release(context.eventKey, handler.id, token);
    } catch (storeError) {
      this.logStoreFailure(handler, event, context, error, storeError);
    }
    return error;
  }

  private logStoreFailure(
    handler: InkboxHandler,
    event: InkboxEvent,
    context: InkboxDeliveryContext,
    error: unknown,
    storeError: unknown,
  ): void {
    const detail = (storeError as Error)?.message ?? String(storeError);
    const message = !isFailure(error)
      ? `Handler ${handler.id} succeeded for ${this.describe(event, context)}, but the idempotency store could not record it (${detail}): a later redelivery may run it again.`
      : `Could not give back the claim of failed handler ${handler.id} for ${this.describe(event, context)} (${detail}): redeliveries get 409 until its lease expires (idempotency.leaseMs).`;
    this.logger.error(this.entry(message, event, context, { handler: handler.id }));
  }

  private async runAll(
    event: InkboxEvent,
    context: InkboxDeliveryContext,
    handlers: readonly InkboxHandler[],
  ): Promise<InkboxDispatchResult> {
    const errors = await Promise.all(handlers.map((h) => this.invoke(h, event, context)));
    const failed = handlers.filter((_h, i) => isFailure(errors[i])).map((h) => h.id);
    if (failed.length > 0)
      return { outcome: 'failed', failed, retriesFailedOnly: false, errors: errors.filter(isFailure) };
    return { outcome: errors.every((e) => e === INKBOX_HANDLER_SKIPPED) ? 'ignored' : 'processed' };
  }

  /**
   * Runs one handler (span, timing, logs, error hooks: see InkboxHandlerRunner); resolves to its
   * error, `INKBOX_HANDLER_SKIPPED` when a guard skipped it, or undefined on success.
   */
  private async invoke(handler: InkboxHandler, event: InkboxEvent, context: InkboxDeliveryContext): Promise<unknown> {
    const run = await this.runner.run(handler, event, context);
    if (run.outcome === 'failed') return run.error;
    return run.outcome === 'ignored' ? INKBOX_HANDLER_SKIPPED : undefined;
  }

  private entry(
    message: string,
    event: InkboxEvent,
    context: InkboxDeliveryContext,
    fields: InkboxLogFields = {},
  ): InkboxLogEntry {
    return new InkboxLogEntry(message, {
      eventId: context.eventKey,
      eventType: event.event_type,
      requestId: context.requestId,
      ...fields,
    });
  }

  private describe(event: InkboxEvent, context: InkboxDeliveryContext): string {
    return `${inkboxLogValue(event.event_type, 64)} event ${inkboxLogValue(context.eventKey)} (request ${inkboxLogValue(context.requestId, 64)})`;
  }
}

/** The ids of each handler list, made once per list (the lists themselves are built once per event type). */
const handlerIds = new WeakMap<readonly InkboxHandler[], readonly string[]>();

function idsOf(handlers: readonly InkboxHandler[]): readonly string[] {
  let ids = handlerIds.get(handlers);
  if (!ids) {
    ids = handlers.map((h) => h.id);
    handlerIds.set(handlers, ids);
  }
  return ids;
}

/** The handlers whose ids are in `ids`, in their own order. */
function handlersIn(handlers: readonly InkboxHandler[], ids: readonly string[]): readonly InkboxHandler[] {
  return handlers.filter((h) => ids.includes(h.id));
}

/** True for a handler result that is a failure (neither success nor a guard's skip). */
function isFailure(result: unknown): boolean {
  return result !== undefined && result !== INKBOX_HANDLER_SKIPPED;
}
