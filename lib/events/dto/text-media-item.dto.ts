import { IsNumber, IsString } from 'class-validator';

/** One MMS attachment of a text message (`text_message.media[]`). */
export class TextMediaItem {
  @IsString()
  content_type!: string;

  /** Size in bytes. */
  @IsNumber()
  size!: number;

  @IsString()
  url!: string;

  [extra: string]: unknown;
}
