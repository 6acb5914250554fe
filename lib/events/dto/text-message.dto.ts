import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { TextMediaItem } from './text-media-item.dto.js';
import { TextMessageRecipient } from './text-message-recipient.dto.js';

/**
 * `data.text_message` of a text event: the stored SMS/MMS. On inbound texts the delivery fields are
 * null; on group outbound texts `remote_phone_number` is null and each recipient's state is in
 * `recipients[]`.
 */
export class TextMessage {
  @IsString()
  id!: string;

  /** `inbound` or `outbound`. */
  @IsString()
  direction!: 'inbound' | 'outbound' | (string & {});

  /** The agent's own number (E.164). */
  @IsString()
  local_phone_number!: string;

  /** The other party; null on group outbound texts. */
  @IsOptional()
  @IsString()
  remote_phone_number?: string | null;

  @IsOptional()
  @IsString()
  text?: string | null;

  /** `sms` or `mms`. */
  @IsString()
  type!: 'sms' | 'mms' | (string & {});

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TextMediaItem)
  media?: TextMediaItem[] | null;

  @IsBoolean()
  is_read!: boolean;

  /** Outbound only: `queued`, `sent`, `delivered`, `delivery_failed`, `delivery_unconfirmed` or `sending_failed`. */
  @IsOptional()
  @IsString()
  delivery_status?:
    | 'queued'
    | 'sent'
    | 'delivered'
    | 'delivery_failed'
    | 'delivery_unconfirmed'
    | 'sending_failed'
    | (string & {})
    | null;

  /** `user_initiated` or `auto_reply`. */
  @IsString()
  origin!: 'user_initiated' | 'auto_reply' | (string & {});

  @IsOptional()
  @IsString()
  error_code?: string | null;

  @IsOptional()
  @IsString()
  error_detail?: string | null;

  @IsOptional()
  @IsString()
  sent_at?: string | null;

  @IsOptional()
  @IsString()
  delivered_at?: string | null;

  @IsOptional()
  @IsString()
  failed_at?: string | null;

  /** Absent on older payloads. */
  @IsOptional()
  @IsString()
  conversation_id?: string | null;

  /** The sender on inbound texts; null on outbound ones (the sender is `local_phone_number`). */
  @IsOptional()
  @IsString()
  sender_phone_number?: string | null;

  /** Null on inbound texts; one entry on outbound 1:1 texts, several on group texts. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => TextMessageRecipient)
  recipients?: TextMessageRecipient[] | null;

  @IsString()
  created_at!: string;

  @IsString()
  updated_at!: string;

  [extra: string]: unknown;
}
