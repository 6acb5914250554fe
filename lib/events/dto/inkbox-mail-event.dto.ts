import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { InkboxEvent } from './inkbox-event.dto.js';
import { InkboxMailEventData } from './mail-event-data.dto.js';

/** Base class of the six mail events: the envelope with `data.message`, contacts and identities. */
export class InkboxMailEvent extends InkboxEvent {
  declare event_type: `message.${string}`;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => InkboxMailEventData)
  declare data: InkboxMailEventData;
}
