import { InkboxIMessageEvent } from './inkbox-imessage-event.dto.js';

/** `imessage.received`: an iMessage arrived for an agent identity (`data.message`). */
export class IMessageReceivedEvent extends InkboxIMessageEvent {
  declare event_type: 'imessage.received';
}
