import { InkboxMailEvent } from './inkbox-mail-event.dto.js';

/** `message.bounced`: an outbound message bounced, or the recipient complained (Inkbox sends no bounce type). */
export class MessageBouncedEvent extends InkboxMailEvent {
  declare event_type: 'message.bounced';
}
