import { Type } from 'class-transformer';
import { IsBoolean, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { InkboxPartyMatches } from './inkbox-party-matches.dto.js';
import { InkboxLegacyContact } from './inkbox-legacy-contact.dto.js';
import { PhoneRateLimit } from './phone-rate-limit.dto.js';

/**
 * `phone.incoming_call`: a call is ringing on a phone number whose incoming-call action is
 * `webhook`. Flat: no envelope, `contacts` and `agent_identities` at the top level. The answer of
 * the `@OnInkboxIncomingCall()` method decides the call.
 */
export class PhoneIncomingCallEvent extends InkboxPartyMatches {
  /** The call id. */
  @IsString()
  id!: string;

  /** The number being called (E.164). */
  @IsString()
  local_phone_number!: string;

  /** The caller (E.164). */
  @IsString()
  remote_phone_number!: string;

  /** Always `inbound`. */
  @IsString()
  direction!: 'inbound' | (string & {});

  /** Usually `initiated`. */
  @IsString()
  status!: 'initiated' | 'ringing' | 'answered' | 'completed' | 'failed' | 'canceled' | (string & {});

  /** The phone number's configured WebSocket URL, if any. */
  @IsOptional()
  @IsString()
  client_websocket_url?: string | null;

  @IsOptional()
  @IsBoolean()
  use_inkbox_tts?: boolean | null;

  @IsOptional()
  @IsBoolean()
  use_inkbox_stt?: boolean | null;

  @IsOptional()
  @IsString()
  hangup_reason?: string | null;

  @IsOptional()
  @IsString()
  started_at?: string | null;

  @IsOptional()
  @IsString()
  ended_at?: string | null;

  @IsString()
  created_at!: string;

  @IsString()
  updated_at!: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PhoneRateLimit)
  rate_limit?: PhoneRateLimit | null;

  /** Older payloads (before the lists): one contact or null. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => InkboxLegacyContact)
  contact?: InkboxLegacyContact | null;

  [extra: string]: unknown;
}
