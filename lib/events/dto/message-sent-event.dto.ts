import { InkboxMailEvent } from './inkbox-mail-event.dto.js';

/** `message.sent`: an outbound message went out (not fired for forwards). */
export class MessageSentEvent extends InkboxMailEvent {
  declare event_type: 'message.sent';
}
