import { Type } from 'class-transformer';
import { IsDefined, IsObject, ValidateNested } from 'class-validator';
import { CallEndedEventData } from './call-ended-event-data.dto.js';
import { InkboxEvent } from './inkbox-event.dto.js';

/**
 * `call.ended`: a call of an agent identity ended, in any terminal state (fired after the call;
 * replayable). Not to be confused with the synchronous incoming-call webhook.
 */
export class CallEndedEvent extends InkboxEvent {
  declare event_type: 'call.ended';

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CallEndedEventData)
  declare data: CallEndedEventData;
}
