import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsString, ValidateNested } from 'class-validator';
import { WebhookTranscriptEntry } from './webhook-transcript-entry.dto.js';

/** `data.transcript` of `call.ended`: the transcript inline, its middle cut when `abridged`. */
export class CallTranscript {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => WebhookTranscriptEntry)
  entries!: WebhookTranscriptEntry[];

  @IsBoolean()
  abridged!: boolean;

  /** The full verbatim transcript (same as `data.transcript_url`). */
  @IsString()
  url!: string;

  [extra: string]: unknown;
}
