import { InkboxMailEvent } from './inkbox-mail-event.dto.js';

/** `message.failed`: an outbound message failed after Inkbox's own send retries. */
export class MessageFailedEvent extends InkboxMailEvent {
  declare event_type: 'message.failed';
}
