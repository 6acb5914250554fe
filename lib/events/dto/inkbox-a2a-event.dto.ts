import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { A2ATaskEventData } from './a2a-task-event-data.dto.js';
import { InkboxEvent } from './inkbox-event.dto.js';

/** Base class of the four A2A task events. */
export class InkboxA2AEvent extends InkboxEvent {
  declare event_type: `a2a.${string}`;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => A2ATaskEventData)
  declare data: A2ATaskEventData;
}
