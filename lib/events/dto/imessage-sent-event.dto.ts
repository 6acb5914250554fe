import { InkboxIMessageEvent } from './inkbox-imessage-event.dto.js';

/** `imessage.sent`: an outbound iMessage was sent. */
export class IMessageSentEvent extends InkboxIMessageEvent {
  declare event_type: 'imessage.sent';
}
