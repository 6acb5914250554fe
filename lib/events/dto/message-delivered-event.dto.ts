import { InkboxMailEvent } from './inkbox-mail-event.dto.js';

/** `message.delivered`: the recipient's mail server accepted an outbound message. */
export class MessageDeliveredEvent extends InkboxMailEvent {
  declare event_type: 'message.delivered';
}
