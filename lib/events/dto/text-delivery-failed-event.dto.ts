import { InkboxTextEvent } from './inkbox-text-event.dto.js';

/** `text.delivery_failed`: an outbound text could not be delivered (`error_code`, `error_detail`). */
export class TextDeliveryFailedEvent extends InkboxTextEvent {
  declare event_type: 'text.delivery_failed';
}
