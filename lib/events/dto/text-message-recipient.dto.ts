import { IsOptional, IsString } from 'class-validator';

/** Delivery state of one recipient of an outbound text (`text_message.recipients[]`). */
export class TextMessageRecipient {
  @IsString()
  recipient_phone_number!: string;

  /** `queued`, `sent`, `delivered`, `delivery_failed`, `delivery_unconfirmed` or `sending_failed`. */
  @IsOptional()
  @IsString()
  delivery_status?: string | null;

  @IsOptional()
  @IsString()
  carrier?: string | null;

  @IsOptional()
  @IsString()
  line_type?: string | null;

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

  [extra: string]: unknown;
}
