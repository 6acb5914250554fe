import { InkboxTextEvent } from './inkbox-text-event.dto.js';

/** `text.sent`: an outbound text was handed to the carrier. */
export class TextSentEvent extends InkboxTextEvent {
  declare event_type: 'text.sent';
}
