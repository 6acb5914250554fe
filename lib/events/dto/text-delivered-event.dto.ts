import { InkboxTextEvent } from './inkbox-text-event.dto.js';

/** `text.delivered`: the carrier confirmed delivery of an outbound text (for a group text, to `data.recipient_phone_number`). */
export class TextDeliveredEvent extends InkboxTextEvent {
  declare event_type: 'text.delivered';
}
