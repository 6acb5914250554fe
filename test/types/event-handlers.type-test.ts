/**
 * Compile-time checks of the handler typing, compiled by `npm run typecheck` (never run). Each
 * `@ts-expect-error` line must fail to compile: if it ever compiles, tsc reports the unused directive.
 */
import {
  OnInkboxEvent,
  OnInkboxIncomingCall,
  type A2ATaskCanceledEvent,
  type CallEndedEvent,
  type IMessageReactionReceivedEvent,
  type IMessageReceivedEvent,
  type InkboxEvent,
  type InkboxEventFor,
  type InkboxIncomingCallDecision,
  type MessageReceivedEvent,
  type PhoneIncomingCallEvent,
  type TextDeliveredEvent,
  type TextReceivedEvent,
} from '../../lib';
import { createInkboxEvent } from '../../lib/testing';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const is = <T extends true>(_proof?: T): void => undefined;

// the family patterns are the unions of their classes
is<Equal<InkboxEventFor<'call.*'>, CallEndedEvent>>();
is<Equal<InkboxEventFor<'text.received'>, TextReceivedEvent>>();
is<
  Equal<
    Extract<InkboxEventFor<'imessage.*'>, { event_type: 'imessage.reaction_received' }>,
    IMessageReactionReceivedEvent
  >
>();
is<
  Equal<
    InkboxEventFor<'imessage.*'>['event_type'],
    | 'imessage.received'
    | 'imessage.reaction_received'
    | 'imessage.sent'
    | 'imessage.delivered'
    | 'imessage.delivery_failed'
  >
>();
is<
  Equal<
    InkboxEventFor<'a2a.*'>['event_type'],
    'a2a.task.created' | 'a2a.task.message' | 'a2a.task.canceled' | 'a2a.sent_task.updated'
  >
>();
is<Equal<InkboxEventFor<'*'>, InkboxEvent>>();

export class AcceptedHandlers {
  @OnInkboxEvent('text.received')
  onSms(event: TextReceivedEvent) {
    return event.data.text_message.text;
  }

  @OnInkboxEvent('imessage.*')
  onIMessage(event: InkboxEventFor<'imessage.*'>) {
    // narrowing on event_type works on a family union
    if (event.event_type === 'imessage.reaction_received') return event.data.reaction?.reaction;
    return event.data.message?.content;
  }

  @OnInkboxEvent(['text.delivered', 'call.ended'])
  onMixed(event: TextDeliveredEvent | CallEndedEvent) {
    return event.event_type === 'call.ended' ? event.data.transcript_url : event.data.recipient_phone_number;
  }

  @OnInkboxEvent('a2a.task.canceled')
  onCancel(event: A2ATaskCanceledEvent) {
    return event.data.caller.handle;
  }

  @OnInkboxEvent('*')
  onAny(event: InkboxEvent) {
    return event.event_type;
  }

  @OnInkboxIncomingCall()
  decide(call: PhoneIncomingCallEvent): InkboxIncomingCallDecision {
    return call.contacts?.length
      ? { action: 'answer', client_websocket_url: 'wss://agent.example.com' }
      : { action: 'reject' };
  }
}

export class RefusedHandlers {
  // @ts-expect-error a text handler cannot take a mail event
  @OnInkboxEvent('text.received')
  wrongClass(event: MessageReceivedEvent) {
    return event;
  }

  // @ts-expect-error a family pattern delivers every member: one member's class is too narrow
  @OnInkboxEvent('imessage.*')
  tooNarrow(event: IMessageReceivedEvent) {
    return event;
  }

  // @ts-expect-error not an Inkbox event type
  @OnInkboxEvent('text.opened')
  unknownType(event: InkboxEvent) {
    return event;
  }

  // @ts-expect-error not a family pattern
  @OnInkboxEvent('phone.*')
  unknownFamily(event: InkboxEvent) {
    return event;
  }

  // @ts-expect-error the deciding method must return a decision
  @OnInkboxIncomingCall()
  noDecision(call: PhoneIncomingCallEvent) {
    return call.id;
  }

  // @ts-expect-error 'maybe' is not an action
  @OnInkboxIncomingCall()
  wrongAction(): InkboxIncomingCallDecision | { action: 'maybe' } {
    return { action: 'maybe' };
  }
}

// createInkboxEvent types its payload by event type
is<Equal<typeof _textPayload.data.text_message.local_phone_number, string>>();
is<Equal<ReturnType<typeof _incomingCall>['remote_phone_number'], string>>();
const _textPayload = createInkboxEvent('text.received', { data: { text_message: { text: 'STOP' } } });
const _incomingCall = () => createInkboxEvent('phone.incoming_call', { remote_phone_number: '+15555550123' });
// @ts-expect-error overrides are typed: text is a string or null
createInkboxEvent('text.received', { data: { text_message: { text: 42 } } });
