import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IMessageMessage } from './imessage-message.dto.js';
import { IMessageReaction } from './imessage-reaction.dto.js';
import { InkboxPartyMatches } from './inkbox-party-matches.dto.js';
import { WebhookContext } from './webhook-context.dto.js';

/** `data` of every iMessage event: `message` on message events, `reaction` on reactions; the other is null. */
export class IMessageEventData extends InkboxPartyMatches {
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

  /** Conversation history, on `imessage.received` when the subscription opted in. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookContext)
  context?: WebhookContext;

  [extra: string]: unknown;
}
