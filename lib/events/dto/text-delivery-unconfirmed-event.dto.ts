import { InkboxTextEvent } from './inkbox-text-event.dto.js';

/** `text.delivery_unconfirmed`: the carrier never confirmed delivery of an outbound text. */
export class TextDeliveryUnconfirmedEvent extends InkboxTextEvent {
  declare event_type: 'text.delivery_unconfirmed';
}
