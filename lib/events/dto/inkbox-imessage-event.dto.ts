import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { IMessageEventData } from './imessage-event-data.dto.js';
import { InkboxEvent } from './inkbox-event.dto.js';

/** Base class of the five iMessage events: the envelope with `data.message` or `data.reaction`. */
export class InkboxIMessageEvent extends InkboxEvent {
  declare event_type: `imessage.${string}`;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => IMessageEventData)
  declare data: IMessageEventData;
}
