import { InkboxMailEvent } from './inkbox-mail-event.dto.js';

/** `message.received`: a message arrived in a mailbox (direction `inbound`, status `received`; `data.message.body` holds the plain text). */
export class MessageReceivedEvent extends InkboxMailEvent {
  declare event_type: 'message.received';
}
