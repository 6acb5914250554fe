import { Type } from 'class-transformer';
import { IsArray, IsOptional, ValidateNested } from 'class-validator';
import { InkboxAgentIdentity } from './inkbox-agent-identity.dto.js';
import { InkboxContact } from './inkbox-contact.dto.js';

/**
 * Who the other party of a text, iMessage or call is, as Inkbox resolved them: the `contacts` and
 * `agent_identities` lists that those payloads carry (mail has its own, with mail fields).
 */
export class InkboxPartyMatches {
  /** Address-book matches for the other party (the remote number or handle, or the caller). */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxContact)
  contacts?: InkboxContact[];

  /** Agent identities matched as the other party. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InkboxAgentIdentity)
  agent_identities?: InkboxAgentIdentity[];
}
