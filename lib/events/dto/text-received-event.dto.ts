import { InkboxTextEvent } from './inkbox-text-event.dto.js';

/** `text.received`: a text arrived on a phone number (direction `inbound`). */
export class TextReceivedEvent extends InkboxTextEvent {
  declare event_type: 'text.received';
}
