import { InkboxIMessageEvent } from './inkbox-imessage-event.dto.js';

/** `imessage.delivered`: an outbound iMessage was delivered. */
export class IMessageDeliveredEvent extends InkboxIMessageEvent {
  declare event_type: 'imessage.delivered';
}
