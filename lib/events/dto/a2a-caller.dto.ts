import { IsOptional, IsString } from 'class-validator';

/** The agent on the other side of an A2A task (`data.caller`). */
export class A2ACaller {
  @IsString()
  identity_id!: string;

  @IsString()
  organization_id!: string;

  @IsOptional()
  @IsString()
  handle?: string | null;

  [extra: string]: unknown;
}
