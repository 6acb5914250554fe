import type { InkboxEventType } from '../../lib';

/** The class each event type must arrive as. */
export const CLASS_OF: Record<InkboxEventType, string> = {
  'message.received': 'MessageReceivedEvent',
  'message.sent': 'MessageSentEvent',
  'message.forwarded': 'MessageForwardedEvent',
  'message.delivered': 'MessageDeliveredEvent',
  'message.bounced': 'MessageBouncedEvent',
  'message.failed': 'MessageFailedEvent',
  'text.received': 'TextReceivedEvent',
  'text.sent': 'TextSentEvent',
  'text.delivered': 'TextDeliveredEvent',
  'text.delivery_failed': 'TextDeliveryFailedEvent',
  'text.delivery_unconfirmed': 'TextDeliveryUnconfirmedEvent',
  'imessage.received': 'IMessageReceivedEvent',
  'imessage.reaction_received': 'IMessageReactionReceivedEvent',
  'imessage.sent': 'IMessageSentEvent',
  'imessage.delivered': 'IMessageDeliveredEvent',
  'imessage.delivery_failed': 'IMessageDeliveryFailedEvent',
  'call.ended': 'CallEndedEvent',
  'a2a.task.created': 'A2ATaskCreatedEvent',
  'a2a.task.message': 'A2ATaskMessageEvent',
  'a2a.task.canceled': 'A2ATaskCanceledEvent',
  'a2a.sent_task.updated': 'A2ASentTaskUpdatedEvent',
};

/** The family pattern of a non-mail type (the handlers of test/support/family-handlers.ts listen to it). */
const familyOf = (type: string): string => `${type.split('.')[0]}.*`;

/**
 * The typed handlers of test/support/recording-handlers.ts and family-handlers.ts that run for each
 * type (without `'*'`): mail types by the mail handlers; other types by their own handler and their
 * family's pattern handler.
 */
export const TYPED_HANDLERS: Record<InkboxEventType, string[]> = {
  'message.received': ['received'],
  'message.sent': ['sent'],
  'message.forwarded': ['forwarded'],
  'message.delivered': ['delivered', 'outcome'],
  'message.bounced': ['bounced', 'outcome'],
  'message.failed': ['failed', 'outcome'],
  ...(Object.fromEntries(
    Object.keys(CLASS_OF)
      .filter((type) => !type.startsWith('message.'))
      .map((type) => [type, [type, familyOf(type)]]),
  ) as Record<Exclude<InkboxEventType, `message.${string}`>, string[]>),
};
