import { InkboxIMessageEvent } from './inkbox-imessage-event.dto.js';

/** `imessage.reaction_received`: someone reacted to a message with a tapback (`data.reaction`; `data.message` is null). */
export class IMessageReactionReceivedEvent extends InkboxIMessageEvent {
  declare event_type: 'imessage.reaction_received';
}
