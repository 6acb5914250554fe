import { IsOptional, IsString } from 'class-validator';

/** An agent identity of the same organisation matched as the remote party (`agent_identities[]`). */
export class InkboxAgentIdentity {
  @IsString()
  id!: string;

  @IsString()
  agent_handle!: string;

  @IsOptional()
  @IsString()
  display_name?: string | null;

  [extra: string]: unknown;
}
