import { InkboxA2AEvent } from './inkbox-a2a-event.dto.js';

/** `a2a.task.message`: a new message on a task this agent identity received (`message_id`, `parts`). */
export class A2ATaskMessageEvent extends InkboxA2AEvent {
  declare event_type: 'a2a.task.message';
}
