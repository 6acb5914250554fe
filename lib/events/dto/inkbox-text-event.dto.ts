import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { InkboxEvent } from './inkbox-event.dto.js';
import { TextEventData } from './text-event-data.dto.js';

/** Base class of the five text (SMS/MMS) events: the envelope with `data.text_message`. */
export class InkboxTextEvent extends InkboxEvent {
  declare event_type: `text.${string}`;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TextEventData)
  declare data: TextEventData;
}
