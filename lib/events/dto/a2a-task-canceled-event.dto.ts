import { InkboxA2AEvent } from './inkbox-a2a-event.dto.js';

/** `a2a.task.canceled`: the caller canceled a task this agent identity received. */
export class A2ATaskCanceledEvent extends InkboxA2AEvent {
  declare event_type: 'a2a.task.canceled';
}
