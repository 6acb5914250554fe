import { IsNumber, IsOptional, IsString } from 'class-validator';

/** One attachment of an iMessage (`message.media[]`). */
export class IMessageMediaItem {
  @IsOptional()
  @IsString()
  content_type?: string | null;

  /** Size in bytes, when known. */
  @IsOptional()
  @IsNumber()
  size?: number | null;

  @IsString()
  url!: string;

  [extra: string]: unknown;
}
