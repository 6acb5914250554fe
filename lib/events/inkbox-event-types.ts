import type { InkboxEvent } from './dto/inkbox-event.dto.js';
import { MessageBouncedEvent } from './dto/message-bounced-event.dto.js';
import { MessageDeliveredEvent } from './dto/message-delivered-event.dto.js';
import { MessageFailedEvent } from './dto/message-failed-event.dto.js';
import { MessageForwardedEvent } from './dto/message-forwarded-event.dto.js';
import { MessageReceivedEvent } from './dto/message-received-event.dto.js';
import { MessageSentEvent } from './dto/message-sent-event.dto.js';

/** Event classes by `event_type`: the single table the parser, the types and the docs come from. */
export const INKBOX_EVENT_CLASSES = {
  'message.received': MessageReceivedEvent,
  'message.sent': MessageSentEvent,
  'message.forwarded': MessageForwardedEvent,
  'message.delivered': MessageDeliveredEvent,
  'message.bounced': MessageBouncedEvent,
  'message.failed': MessageFailedEvent,
} as const;

/** The event types this version has classes for. */
export type InkboxEventType = keyof typeof INKBOX_EVENT_CLASSES;

/** All known event types, in a stable order. */
export const INKBOX_EVENT_TYPES = Object.keys(INKBOX_EVENT_CLASSES) as InkboxEventType[];

/** Event class instance by event type. */
export type InkboxEventMap = { [K in InkboxEventType]: InstanceType<(typeof INKBOX_EVENT_CLASSES)[K]> };

/** What `@OnInkboxEvent` accepts: a known event type, or `'*'` for every verified event. */
export type InkboxEventPattern = InkboxEventType | '*';

/** The event a handler of `T` receives: the typed class, or the envelope for `'*'`. */
export type InkboxEventFor<T extends InkboxEventPattern> = T extends InkboxEventType ? InkboxEventMap[T] : InkboxEvent;

/** True when `type` is an event type this version has a class for. */
export function isKnownInkboxEventType(type: string): type is InkboxEventType {
  return Object.prototype.hasOwnProperty.call(INKBOX_EVENT_CLASSES, type);
}
