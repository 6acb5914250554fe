import { IsArray, IsOptional, IsString } from 'class-validator';

/** A resolved contact of a mail event (`data.contacts[]`, or the older single `data.contact`). */
export class InkboxMailContact {
  /** `from`, `to`, `cc` or `bcc`. */
  @IsString()
  bucket!: 'from' | 'to' | 'cc' | 'bcc' | (string & {});

  @IsString()
  address!: string;

  @IsString()
  id!: string;

  @IsOptional()
  @IsString()
  name?: string | null;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  memories?: string[];

  [extra: string]: unknown;
}
