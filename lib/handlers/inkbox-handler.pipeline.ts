import type { ExternalContextCreator } from '@nestjs/core';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import type { InkboxDeliveryContext } from './inkbox-delivery-context.interface.js';
import { INKBOX_CONTEXT_TYPE } from './inkbox-execution-context.js';

/** What a handler run resolves to when one of its guards returned false (the handler did not run). */
export const INKBOX_HANDLER_SKIPPED: unique symbol = Symbol.for('nestjs-inkbox:handler-skipped');

/** Nest's message for a guard that returned false (`ForbiddenException`), from `@nestjs/core`. */
const GUARD_DENIED_MESSAGE = 'Forbidden resource';

function isGuardDenial(error: unknown): boolean {
  const e = error as { getStatus?: () => number; message?: unknown; name?: unknown } | null;
  return (
    !!e &&
    typeof e.getStatus === 'function' &&
    e.getStatus() === 403 &&
    e.message === GUARD_DENIED_MESSAGE &&
    e.name === 'ForbiddenException'
  );
}

/**
 * Wraps one handler method in Nest's enhancer pipeline, once at startup: global and
 * `@UseGuards()` guards, then global and `@UseInterceptors()` interceptors, in an execution context
 * of type `'inkbox'` whose arguments are `[event, delivery]`. Exception filters are left out on
 * purpose, so a failure always reaches the dispatcher (the delivery is answered 500 and retried).
 * A guard returning false makes the run resolve to `INKBOX_HANDLER_SKIPPED`.
 */
export function createInkboxHandlerPipeline(
  creator: ExternalContextCreator,
  instance: object,
  methodName: string,
): (event: InkboxEvent, delivery: InkboxDeliveryContext) => Promise<unknown> {
  const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName]!;
  const run = creator.create(
    instance,
    method,
    methodName,
    undefined,
    undefined,
    undefined,
    undefined,
    { guards: true, interceptors: true, filters: false },
    INKBOX_CONTEXT_TYPE,
  );
  return async (event, delivery) => {
    try {
      return (await run(event, delivery)) as unknown;
    } catch (error) {
      if (isGuardDenial(error)) return INKBOX_HANDLER_SKIPPED;
      throw error;
    }
  };
}
