import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { InkboxAgentIdentity } from './inkbox-agent-identity.dto.js';
import { InkboxContact } from './inkbox-contact.dto.js';
import { InkboxLegacyContact } from './inkbox-legacy-contact.dto.js';
import { TextMessage } from './text-message.dto.js';
import { WebhookContext } from './webhook-context.dto.js';

/** `data` of every text event. Accepts the current contact lists and the older single `contact`. */
export class TextEventData {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TextMessage)
  text_message!: TextMessage;

  /** Address-book matches for the remote party; always present on current payloads. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxContact)
  contacts?: InkboxContact[];

  /** Agent identities matched as the remote party; always present on current payloads. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxAgentIdentity)
  agent_identities?: InkboxAgentIdentity[];

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
