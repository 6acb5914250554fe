import { IsOptional, IsString } from 'class-validator';

/** The single `data.contact` of payloads from before the contact lists: the contact's id and name. */
export class InkboxMailLegacyContact {
  @IsString()
  id!: string;

  @IsOptional()
  @IsString()
  name?: string | null;

  [extra: string]: unknown;
}
