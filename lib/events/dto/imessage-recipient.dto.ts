import { IsOptional, IsString } from 'class-validator';

/** Delivery state of one recipient of an outbound iMessage (`message.recipients[]`). */
export class IMessageRecipient {
  @IsString()
  remote_number!: string;

  /** e.g. `queued`, `sent`, `delivered`, `declined`, `error`. */
  @IsOptional()
  @IsString()
  delivery_status?: string | null;

  /** `imessage`, `sms` or `rcs`. */
  @IsOptional()
  @IsString()
  service?: 'imessage' | 'sms' | 'rcs' | (string & {}) | null;

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

  @IsOptional()
  @IsString()
  sent_at?: string | null;

  @IsOptional()
  @IsString()
  delivered_at?: string | null;

  @IsOptional()
  @IsString()
  failed_at?: string | null;

  [extra: string]: unknown;
}
