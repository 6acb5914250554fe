import { IsArray, IsOptional, IsString } from 'class-validator';

/** An address-book match for the remote party of a text, iMessage or call event (`contacts[]`). */
export class InkboxContact {
  /** Contact id; pass it to the contacts API to load the contact. */
  @IsString()
  id!: string;

  /** The contact's name, or null when none is on file. */
  @IsOptional()
  @IsString()
  name?: string | null;

  /** Active memories about the contact, newest first. Absent on older payloads. */
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  memories?: string[];

  [extra: string]: unknown;
}
