import { IsOptional, IsString } from 'class-validator';

/** An agent identity among a mail event's addresses (`data.agent_identities[]`). */
export class InkboxMailAgentIdentity {
  /** `from`, `to`, `cc` or `bcc`. */
  @IsString()
  bucket!: 'from' | 'to' | 'cc' | 'bcc' | (string & {});

  @IsString()
  address!: string;

  @IsString()
  id!: string;

  @IsString()
  agent_handle!: string;

  @IsOptional()
  @IsString()
  display_name?: string | null;

  [extra: string]: unknown;
}
