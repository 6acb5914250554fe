import { InkboxA2AEvent } from './inkbox-a2a-event.dto.js';

/** `a2a.sent_task.updated`: a task this agent identity sent to another agent changed state. */
export class A2ASentTaskUpdatedEvent extends InkboxA2AEvent {
  declare event_type: 'a2a.sent_task.updated';
}
