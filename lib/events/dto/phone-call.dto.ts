import { IsInt, IsOptional, IsString } from 'class-validator';

/**
 * `data.call` of `call.ended`: the stored call. On shared-line calls `local_phone_number` is null and
 * `origin` is `shared_imessage_number`. `mode`, `reason`, `hosted_agent_authority_mode` and
 * `voicemail_detection` are absent on payloads from before Voice AI.
 */
export class PhoneCall {
  @IsString()
  id!: string;

  /** `dedicated_number`, `shared_imessage_number` or `dedicated_imessage_number`. */
  @IsString()
  origin!: 'dedicated_number' | 'shared_imessage_number' | 'dedicated_imessage_number' | (string & {});

  @IsOptional()
  @IsString()
  local_phone_number?: string | null;

  @IsString()
  remote_phone_number!: string;

  /** `inbound` or `outbound`. */
  @IsString()
  direction!: 'inbound' | 'outbound' | (string & {});

  /** `initiated`, `ringing`, `answered`, `completed`, `failed` or `canceled`. */
  @IsString()
  status!: 'initiated' | 'ringing' | 'answered' | 'completed' | 'failed' | 'canceled' | (string & {});

  /** `local`, `remote`, `max_duration`, `voicemail` or `rejected`. */
  @IsOptional()
  @IsString()
  hangup_reason?: 'local' | 'remote' | 'max_duration' | 'voicemail' | 'rejected' | (string & {}) | null;

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

  /** Connected length in whole seconds; null when the call never connected. */
  @IsOptional()
  @IsInt()
  duration_seconds?: number | null;

  /** Who drove the call: `client_websocket` or `hosted_agent`. */
  @IsOptional()
  @IsString()
  mode?: 'client_websocket' | 'hosted_agent' | (string & {});

  /** The task brief of an outbound Voice AI call; null otherwise. */
  @IsOptional()
  @IsString()
  reason?: string | null;

  /** `contact_scoped` or `yolo`; treat absent or null as `contact_scoped`. */
  @IsOptional()
  @IsString()
  hosted_agent_authority_mode?: 'contact_scoped' | 'yolo' | (string & {}) | null;

  /** `enabled` or `disabled`. */
  @IsOptional()
  @IsString()
  voicemail_detection?: 'enabled' | 'disabled' | (string & {}) | null;

  [extra: string]: unknown;
}
