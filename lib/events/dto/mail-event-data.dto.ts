import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { InkboxMailAgentIdentity } from './mail-agent-identity.dto.js';
import { InkboxMailContact } from './mail-contact.dto.js';
import { InkboxMailLegacyContact } from './mail-legacy-contact.dto.js';
import { InkboxMailMessage } from './mail-message.dto.js';
import { WebhookContext } from './webhook-context.dto.js';

/** `data` of every mail event. Accepts the current lists and the older single `contact`. */
export class InkboxMailEventData {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => InkboxMailMessage)
  message!: InkboxMailMessage;

  /** Resolved contacts; always present on current payloads, absent on older ones. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxMailContact)
  contacts?: InkboxMailContact[];

  /** Agent identities among the addresses; always present on current payloads. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxMailAgentIdentity)
  agent_identities?: InkboxMailAgentIdentity[];

  /** Older payloads (before the lists): one contact or null. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InkboxMailLegacyContact)
  contact?: InkboxMailLegacyContact | null;

  /** Conversation history, on `message.received` when the subscription opted in. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContext)
  context?: WebhookContext;

  [extra: string]: unknown;
}
