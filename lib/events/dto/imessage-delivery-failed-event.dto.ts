import { InkboxIMessageEvent } from './inkbox-imessage-event.dto.js';

/** `imessage.delivery_failed`: an outbound iMessage was declined or failed (details on `data.message`). */
export class IMessageDeliveryFailedEvent extends InkboxIMessageEvent {
  declare event_type: 'imessage.delivery_failed';
}
