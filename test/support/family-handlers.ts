import { Injectable } from '@nestjs/common';
import {
  OnInkboxEvent,
  type A2ASentTaskUpdatedEvent,
  type A2ATaskCanceledEvent,
  type A2ATaskCreatedEvent,
  type A2ATaskMessageEvent,
  type CallEndedEvent,
  type IMessageDeliveredEvent,
  type IMessageDeliveryFailedEvent,
  type IMessageReactionReceivedEvent,
  type IMessageReceivedEvent,
  type IMessageSentEvent,
  type InkboxDeliveryContext,
  type InkboxEventFor,
  type TextDeliveredEvent,
  type TextDeliveryFailedEvent,
  type TextDeliveryUnconfirmedEvent,
  type TextReceivedEvent,
  type TextSentEvent,
} from '../../lib';
import { CallLog } from './recording-handlers';

/**
 * One typed handler per event type of the text, iMessage, call and A2A families, and one handler
 * per family pattern; each records under its type or pattern.
 */
@Injectable()
export class FamilyHandlers {
  constructor(private readonly log: CallLog) {}

  @OnInkboxEvent('text.received') onTextReceived(e: TextReceivedEvent, d: InkboxDeliveryContext) {
    this.log.record('text.received', e, d);
  }
  @OnInkboxEvent('text.sent') onTextSent(e: TextSentEvent, d: InkboxDeliveryContext) {
    this.log.record('text.sent', e, d);
  }
  @OnInkboxEvent('text.delivered') onTextDelivered(e: TextDeliveredEvent, d: InkboxDeliveryContext) {
    this.log.record('text.delivered', e, d);
  }
  @OnInkboxEvent('text.delivery_failed') onTextFailed(e: TextDeliveryFailedEvent, d: InkboxDeliveryContext) {
    this.log.record('text.delivery_failed', e, d);
  }
  @OnInkboxEvent('text.delivery_unconfirmed') onTextUnconfirmed(
    e: TextDeliveryUnconfirmedEvent,
    d: InkboxDeliveryContext,
  ) {
    this.log.record('text.delivery_unconfirmed', e, d);
  }
  @OnInkboxEvent('imessage.received') onIMessage(e: IMessageReceivedEvent, d: InkboxDeliveryContext) {
    this.log.record('imessage.received', e, d);
  }
  @OnInkboxEvent('imessage.reaction_received') onReaction(e: IMessageReactionReceivedEvent, d: InkboxDeliveryContext) {
    this.log.record('imessage.reaction_received', e, d);
  }
  @OnInkboxEvent('imessage.sent') onIMessageSent(e: IMessageSentEvent, d: InkboxDeliveryContext) {
    this.log.record('imessage.sent', e, d);
  }
  @OnInkboxEvent('imessage.delivered') onIMessageDelivered(e: IMessageDeliveredEvent, d: InkboxDeliveryContext) {
    this.log.record('imessage.delivered', e, d);
  }
  @OnInkboxEvent('imessage.delivery_failed') onIMessageFailed(
    e: IMessageDeliveryFailedEvent,
    d: InkboxDeliveryContext,
  ) {
    this.log.record('imessage.delivery_failed', e, d);
  }
  @OnInkboxEvent('call.ended') onCallEnded(e: CallEndedEvent, d: InkboxDeliveryContext) {
    this.log.record('call.ended', e, d);
  }
  @OnInkboxEvent('a2a.task.created') onTaskCreated(e: A2ATaskCreatedEvent, d: InkboxDeliveryContext) {
    this.log.record('a2a.task.created', e, d);
  }
  @OnInkboxEvent('a2a.task.message') onTaskMessage(e: A2ATaskMessageEvent, d: InkboxDeliveryContext) {
    this.log.record('a2a.task.message', e, d);
  }
  @OnInkboxEvent('a2a.task.canceled') onTaskCanceled(e: A2ATaskCanceledEvent, d: InkboxDeliveryContext) {
    this.log.record('a2a.task.canceled', e, d);
  }
  @OnInkboxEvent('a2a.sent_task.updated') onSentTask(e: A2ASentTaskUpdatedEvent, d: InkboxDeliveryContext) {
    this.log.record('a2a.sent_task.updated', e, d);
  }

  @OnInkboxEvent('text.*') onAnyText(e: InkboxEventFor<'text.*'>, d: InkboxDeliveryContext) {
    this.log.record('text.*', e, d);
  }
  @OnInkboxEvent('imessage.*') onAnyIMessage(e: InkboxEventFor<'imessage.*'>, d: InkboxDeliveryContext) {
    this.log.record('imessage.*', e, d);
  }
  @OnInkboxEvent('call.*') onAnyCall(e: InkboxEventFor<'call.*'>, d: InkboxDeliveryContext) {
    this.log.record('call.*', e, d);
  }
  @OnInkboxEvent('a2a.*') onAnyA2A(e: InkboxEventFor<'a2a.*'>, d: InkboxDeliveryContext) {
    this.log.record('a2a.*', e, d);
  }
}
