import { InkboxMailEvent } from './inkbox-mail-event.dto.js';

/** `message.forwarded`: a stored message was forwarded. */
export class MessageForwardedEvent extends InkboxMailEvent {
  declare event_type: 'message.forwarded';
}
