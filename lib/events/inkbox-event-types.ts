import type { InkboxEvent } from './dto/inkbox-event.dto.js';
import { A2ASentTaskUpdatedEvent } from './dto/a2a-sent-task-updated-event.dto.js';
import { A2ATaskCanceledEvent } from './dto/a2a-task-canceled-event.dto.js';
import { A2ATaskCreatedEvent } from './dto/a2a-task-created-event.dto.js';
import { A2ATaskMessageEvent } from './dto/a2a-task-message-event.dto.js';
import { CallEndedEvent } from './dto/call-ended-event.dto.js';
import { IMessageDeliveredEvent } from './dto/imessage-delivered-event.dto.js';
import { IMessageDeliveryFailedEvent } from './dto/imessage-delivery-failed-event.dto.js';
import { IMessageReactionReceivedEvent } from './dto/imessage-reaction-received-event.dto.js';
import { IMessageReceivedEvent } from './dto/imessage-received-event.dto.js';
import { IMessageSentEvent } from './dto/imessage-sent-event.dto.js';
import { MessageBouncedEvent } from './dto/message-bounced-event.dto.js';
import { MessageDeliveredEvent } from './dto/message-delivered-event.dto.js';
import { MessageFailedEvent } from './dto/message-failed-event.dto.js';
import { MessageForwardedEvent } from './dto/message-forwarded-event.dto.js';
import { MessageReceivedEvent } from './dto/message-received-event.dto.js';
import { MessageSentEvent } from './dto/message-sent-event.dto.js';
import { TextDeliveredEvent } from './dto/text-delivered-event.dto.js';
import { TextDeliveryFailedEvent } from './dto/text-delivery-failed-event.dto.js';
import { TextDeliveryUnconfirmedEvent } from './dto/text-delivery-unconfirmed-event.dto.js';
import { TextReceivedEvent } from './dto/text-received-event.dto.js';
import { TextSentEvent } from './dto/text-sent-event.dto.js';

/** Event classes by `event_type`: the single table the parser, the types and the docs come from. */
export const INKBOX_EVENT_CLASSES = {
  'message.received': MessageReceivedEvent,
  'message.sent': MessageSentEvent,
  'message.forwarded': MessageForwardedEvent,
  'message.delivered': MessageDeliveredEvent,
  'message.bounced': MessageBouncedEvent,
  'message.failed': MessageFailedEvent,
  'text.received': TextReceivedEvent,
  'text.sent': TextSentEvent,
  'text.delivered': TextDeliveredEvent,
  'text.delivery_failed': TextDeliveryFailedEvent,
  'text.delivery_unconfirmed': TextDeliveryUnconfirmedEvent,
  'imessage.received': IMessageReceivedEvent,
  'imessage.reaction_received': IMessageReactionReceivedEvent,
  'imessage.sent': IMessageSentEvent,
  'imessage.delivered': IMessageDeliveredEvent,
  'imessage.delivery_failed': IMessageDeliveryFailedEvent,
  'call.ended': CallEndedEvent,
  'a2a.task.created': A2ATaskCreatedEvent,
  'a2a.task.message': A2ATaskMessageEvent,
  'a2a.task.canceled': A2ATaskCanceledEvent,
  'a2a.sent_task.updated': A2ASentTaskUpdatedEvent,
} as const;

/** The event types this version has classes for (every subscribable Inkbox event). */
export type InkboxEventType = keyof typeof INKBOX_EVENT_CLASSES;

/** All known event types, in a stable order (family by family). */
export const INKBOX_EVENT_TYPES = Object.keys(INKBOX_EVENT_CLASSES) as InkboxEventType[];

/** Event class instance by event type. */
export type InkboxEventMap = { [K in InkboxEventType]: InstanceType<(typeof INKBOX_EVENT_CLASSES)[K]> };

/** A family pattern: every event type of one family (mail, text, iMessage, call, A2A). */
export type InkboxEventFamily = 'message.*' | 'text.*' | 'imessage.*' | 'call.*' | 'a2a.*';

/** The event types of family `F`, e.g. `InkboxEventFamilyMember<'call.*'>` is `'call.ended'`. */
export type InkboxEventFamilyMember<F extends InkboxEventFamily> = F extends `${infer P}.*`
  ? Extract<InkboxEventType, `${P}.${string}`>
  : never;

/** The family patterns and their event types, in a stable order. */
export const INKBOX_EVENT_FAMILIES: { readonly [F in InkboxEventFamily]: readonly InkboxEventFamilyMember<F>[] } = {
  'message.*': familyOf('message'),
  'text.*': familyOf('text'),
  'imessage.*': familyOf('imessage'),
  'call.*': familyOf('call'),
  'a2a.*': familyOf('a2a'),
};

function familyOf<P extends string>(prefix: P): Array<Extract<InkboxEventType, `${P}.${string}`>> {
  return INKBOX_EVENT_TYPES.filter((type): type is Extract<InkboxEventType, `${P}.${string}`> =>
    type.startsWith(`${prefix}.`),
  );
}

/** What `@OnInkboxEvent` accepts: a known event type, a family pattern, or `'*'` for every verified event. */
export type InkboxEventPattern = InkboxEventType | InkboxEventFamily | '*';

/**
 * The event a handler of `T` receives: the class of an event type, the union of the classes of a
 * family (`InkboxEventFor<'text.*'>`), or the envelope for `'*'`.
 */
export type InkboxEventFor<T extends InkboxEventPattern> = T extends InkboxEventType
  ? InkboxEventMap[T]
  : T extends InkboxEventFamily
    ? InkboxEventMap[InkboxEventFamilyMember<T>]
    : InkboxEvent;

/** True when `type` is an event type this version has a class for. */
export function isKnownInkboxEventType(type: string): type is InkboxEventType {
  return Object.prototype.hasOwnProperty.call(INKBOX_EVENT_CLASSES, type);
}

/** True when `pattern` is a family pattern such as `'text.*'`. */
export function isInkboxEventFamily(pattern: string): pattern is InkboxEventFamily {
  return Object.prototype.hasOwnProperty.call(INKBOX_EVENT_FAMILIES, pattern);
}

/** The event types a pattern stands for: a family's members, or the pattern itself (a type or `'*'`). */
export function expandInkboxEventPattern(pattern: string): readonly string[] {
  return isInkboxEventFamily(pattern) ? INKBOX_EVENT_FAMILIES[pattern] : [pattern];
}
