import { IsArray, IsBoolean, IsInt, IsOptional, IsString } from 'class-validator';

/** `data.message` of a mail event: the flat message record Inkbox sends. */
export class InkboxMailMessage {
  /** Inkbox row id (UUID). */
  @IsString()
  id!: string;

  /** Owning mailbox id (UUID). */
  @IsString()
  mailbox_id!: string;

  @IsOptional()
  @IsString()
  thread_id?: string | null;

  /** RFC 5322 Message-ID header, e.g. `<abc123@example.com>`. */
  @IsOptional()
  @IsString()
  message_id?: string | null;

  @IsString()
  from_address!: string;

  @IsArray()
  @IsString({ each: true })
  to_addresses!: string[];

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  cc_addresses?: string[] | null;

  /** Set on outbound messages only. Absent on older payloads. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  bcc_addresses?: string[] | null;

  @IsOptional()
  @IsString()
  subject?: string | null;

  @IsOptional()
  @IsString()
  snippet?: string | null;

  /** The owning mailbox's address. Absent on older payloads. */
  @IsOptional()
  @IsString()
  email_address?: string | null;

  /** Plain-text body; filled on `message.received` only. */
  @IsOptional()
  @IsString()
  body?: string | null;

  /** `complete`, `truncated` or `unavailable`. */
  @IsOptional()
  @IsString()
  body_state?: 'complete' | 'truncated' | 'unavailable' | (string & {}) | null;

  @IsOptional()
  @IsBoolean()
  body_truncated?: boolean | null;

  @IsOptional()
  @IsInt()
  body_total_chars?: number | null;

  @IsOptional()
  @IsInt()
  body_included_chars?: number | null;

  /** `inbound` or `outbound`. */
  @IsString()
  direction!: 'inbound' | 'outbound' | (string & {});

  /** `queued`, `sent`, `delivered`, `bounced`, `failed`, `received` or `deleted`. */
  @IsString()
  status!: 'queued' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'received' | 'deleted' | (string & {});

  @IsBoolean()
  has_attachments!: boolean;

  @IsOptional()
  @IsString()
  created_at?: string | null;

  [extra: string]: unknown;
}
