import { IsOptional, IsString } from 'class-validator';

/** The single `contact` of text and incoming-call payloads from before the contact lists. */
export class InkboxLegacyContact {
  @IsString()
  id!: string;

  @IsOptional()
  @IsString()
  name?: string | null;

  [extra: string]: unknown;
}
