import type { InkboxEventType } from '../../lib';

/** The class each mail event type must arrive as. */
export const CLASS_OF: Record<InkboxEventType, string> = {
  'message.received': 'MessageReceivedEvent',
  'message.sent': 'MessageSentEvent',
  'message.forwarded': 'MessageForwardedEvent',
  'message.delivered': 'MessageDeliveredEvent',
  'message.bounced': 'MessageBouncedEvent',
  'message.failed': 'MessageFailedEvent',
};

/** The typed handlers of test/support/recording-handlers.ts that run for each type (without `'*'`). */
export const TYPED_HANDLERS: Record<InkboxEventType, string[]> = {
  'message.received': ['received'],
  'message.sent': ['sent'],
  'message.forwarded': ['forwarded'],
  'message.delivered': ['delivered', 'outcome'],
  'message.bounced': ['bounced', 'outcome'],
  'message.failed': ['failed', 'outcome'],
};
