import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { InkboxPartyMatches } from './inkbox-party-matches.dto.js';
import { InkboxLegacyContact } from './inkbox-legacy-contact.dto.js';
import { TextMessage } from './text-message.dto.js';
import { WebhookContext } from './webhook-context.dto.js';

/** `data` of every text event. Accepts the current contact lists and the older single `contact`. */
export class TextEventData extends InkboxPartyMatches {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TextMessage)
  text_message!: TextMessage;

  /** On outbound group lifecycle events, the recipient this event is about; null otherwise. */
  @IsOptional()
  @IsString()
  recipient_phone_number?: string | null;

  /** Older payloads (before the lists): one contact or null. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InkboxLegacyContact)
  contact?: InkboxLegacyContact | null;

  /** Conversation history, on `text.received` when the subscription opted in. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContext)
  context?: WebhookContext;

  [extra: string]: unknown;
}
