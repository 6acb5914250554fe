import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IMessageMediaItem } from './imessage-media-item.dto.js';
import { IMessageMessageReaction } from './imessage-message-reaction.dto.js';
import { IMessageRecipient } from './imessage-recipient.dto.js';

/**
 * `data.message` of an iMessage event: the stored message. Group messages have no assignment and
 * carry `sender_number`, `participants` and `is_group`.
 */
export class IMessageMessage {
  @IsString()
  id!: string;

  @IsString()
  conversation_id!: string;

  @IsOptional()
  @IsString()
  assignment_id?: string | null;

  /** `inbound` or `outbound`. */
  @IsString()
  direction!: 'inbound' | 'outbound' | (string & {});

  @IsOptional()
  @IsString()
  remote_number?: string | null;

  @IsOptional()
  @IsString()
  sender_number?: string | null;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  participants?: string[] | null;

  @IsOptional()
  @IsBoolean()
  is_group?: boolean;

  @IsOptional()
  @IsString()
  content?: string | null;

  /** `message` or `carousel`. */
  @IsString()
  message_type!: 'message' | 'carousel' | (string & {});

  /** `imessage`, `sms` or `rcs`. */
  @IsString()
  service!: 'imessage' | 'sms' | 'rcs' | (string & {});

  /** An expressive send style such as `slam` or `confetti`, or null. */
  @IsOptional()
  @IsString()
  send_style?: string | null;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IMessageMediaItem)
  media?: IMessageMediaItem[] | null;

  /** True when the message went out as SMS instead of iMessage. */
  @IsOptional()
  @IsBoolean()
  was_downgraded?: boolean | null;

  /** e.g. `queued`, `sent`, `delivered`, `declined`, `error`, `received`. */
  @IsOptional()
  @IsString()
  status?: string | null;

  @IsOptional()
  @IsString()
  error_code?: string | null;

  @IsOptional()
  @IsString()
  error_message?: string | null;

  @IsOptional()
  @IsString()
  error_reason?: string | null;

  @IsOptional()
  @IsString()
  error_detail?: string | null;

  @IsBoolean()
  is_read!: boolean;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IMessageRecipient)
  recipients?: IMessageRecipient[] | null;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => IMessageMessageReaction)
  reactions?: IMessageMessageReaction[] | null;

  @IsString()
  created_at!: string;

  @IsString()
  updated_at!: string;

  [extra: string]: unknown;
}
