import { IsBoolean, IsNumber, IsOptional, IsString } from 'class-validator';

/**
 * One entry of a call transcript: a turn (`party`, `text`, `ts_ms`) or the marker where the middle
 * was cut (`marker: 'abridged'`, `omitted_turns`, `omitted_ms`). Tell them apart with `'marker' in entry`.
 */
export class WebhookTranscriptEntry {
  /** `local` or `remote`. */
  @IsOptional()
  @IsString()
  party?: 'local' | 'remote' | (string & {});

  @IsOptional()
  @IsString()
  text?: string;

  /** Milliseconds since the start of the call. */
  @IsOptional()
  @IsNumber()
  ts_ms?: number;

  /** True when this turn's text was cut. */
  @IsOptional()
  @IsBoolean()
  truncated?: boolean;

  @IsOptional()
  @IsString()
  marker?: 'abridged' | (string & {});

  @IsOptional()
  @IsNumber()
  omitted_turns?: number;

  @IsOptional()
  @IsNumber()
  omitted_ms?: number;

  [extra: string]: unknown;
}
