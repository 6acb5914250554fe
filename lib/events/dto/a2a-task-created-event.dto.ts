import { InkboxA2AEvent } from './inkbox-a2a-event.dto.js';

/** `a2a.task.created`: another agent created a task for this agent identity. */
export class A2ATaskCreatedEvent extends InkboxA2AEvent {
  declare event_type: 'a2a.task.created';
}
