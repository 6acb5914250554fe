import { Type } from 'class-transformer';
import { IsArray, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IMessageMessage } from './imessage-message.dto.js';
import { IMessageReaction } from './imessage-reaction.dto.js';
import { InkboxAgentIdentity } from './inkbox-agent-identity.dto.js';
import { InkboxContact } from './inkbox-contact.dto.js';
import { WebhookContext } from './webhook-context.dto.js';

/** `data` of every iMessage event: `message` on message events, `reaction` on reactions; the other is null. */
export class IMessageEventData {
  /** Set on `imessage.received`, `.sent`, `.delivered` and `.delivery_failed`; null on reactions. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IMessageMessage)
  message!: IMessageMessage | null;

  /** Set on `imessage.reaction_received`; null on message events. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IMessageReaction)
  reaction!: IMessageReaction | null;

  /** Address-book matches for the remote party. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxContact)
  contacts?: InkboxContact[];

  /** Agent identities matched as the remote party. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxAgentIdentity)
  agent_identities?: InkboxAgentIdentity[];

  /** Conversation history, on `imessage.received` when the subscription opted in. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContext)
  context?: WebhookContext;

  [extra: string]: unknown;
}
