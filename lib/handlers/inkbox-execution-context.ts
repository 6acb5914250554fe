import type { ArgumentsHost } from '@nestjs/common';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import type { InkboxDeliveryContext } from './inkbox-delivery-context.interface.js';

/** `ExecutionContext.getType()` of an `@OnInkboxEvent` handler run. */
export const INKBOX_CONTEXT_TYPE = 'inkbox';

/** The `getType()` value of an Inkbox handler run, for `context.getType<InkboxContextType>()`. */
export type InkboxContextType = typeof INKBOX_CONTEXT_TYPE;

/** What an interceptor or guard can read from an Inkbox handler run. */
export interface InkboxHandlerArguments<E extends InkboxEvent = InkboxEvent> {
  /** The validated event the handler receives. */
  readonly event: E;
  /** Request id, event key and route parameters of the delivery. */
  readonly delivery: InkboxDeliveryContext;
}

/**
 * The event and delivery of an `@OnInkboxEvent` handler run, read from the `ExecutionContext` (or
 * `ArgumentsHost`) given to an interceptor or guard; `undefined` for any other kind of context
 * (HTTP, RPC, WebSockets), so one global interceptor can serve them all.
 *
 * @example
 * intercept(context: ExecutionContext, next: CallHandler) {
 *   const inkbox = getInkboxContext(context);
 *   if (inkbox) this.log.info(`${context.getClass().name}.${context.getHandler().name} ← ${inkbox.event.event_type}`);
 *   return next.handle();
 * }
 */
export function getInkboxContext<E extends InkboxEvent = InkboxEvent>(
  context: ArgumentsHost,
): InkboxHandlerArguments<E> | undefined {
  if (context.getType<string>() !== INKBOX_CONTEXT_TYPE) return undefined;
  const [event, delivery] = context.getArgs<[E, InkboxDeliveryContext]>();
  return { event, delivery };
}
