import { INKBOX_EVENT_HANDLER_METADATA } from '../inkbox.constants.js';
import type { InkboxDeliveryContext } from './inkbox-delivery-context.interface.js';
import type { InkboxEventFor, InkboxEventPattern } from '../events/inkbox-event-types.js';

/** The method shape a handler of `T` must have: it receives the event class of `T`. */
export type InkboxEventHandlerMethod<T extends InkboxEventPattern> = (
  event: InkboxEventFor<T>,
  delivery: InkboxDeliveryContext,
) => unknown;

/**
 * Runs the decorated method for every verified delivery of the given event type(s); a family
 * pattern (`'message.*'`, `'text.*'`, `'imessage.*'`, `'call.*'`, `'a2a.*'`) for each event type of
 * that family, the method receiving the union of its classes; `'*'` for every verified event,
 * including types without a class yet. Stackable. The method receives the
 * validated event instance and a delivery context; the response to Inkbox is 2xx only when every
 * handler resolved. Works on methods of singleton providers and controllers in any module.
 *
 * @example
 * \@OnInkboxEvent('message.bounced')
 * async onBounce(event: MessageBouncedEvent) { ... }
 *
 * \@OnInkboxEvent('text.*')
 * async onText(event: InkboxEventFor<'text.*'>) { ... }
 */
export function OnInkboxEvent<const T extends InkboxEventPattern>(
  types: T | readonly T[],
): <M extends InkboxEventHandlerMethod<T>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  const list = (Array.isArray(types) ? types : [types]) as readonly string[];
  if (list.length === 0 || list.some((type) => typeof type !== 'string' || type === '')) {
    throw new TypeError('@OnInkboxEvent needs an event type such as "message.bounced", a list of them, or "*".');
  }
  return (_target, _propertyKey, descriptor) => {
    const method = descriptor.value as object | undefined;
    if (typeof method !== 'function') throw new TypeError('@OnInkboxEvent decorates methods only.');
    const existing = (Reflect.getMetadata(INKBOX_EVENT_HANDLER_METADATA, method) as string[] | undefined) ?? [];
    Reflect.defineMetadata(INKBOX_EVENT_HANDLER_METADATA, [...new Set([...existing, ...list])], method);
  };
}
