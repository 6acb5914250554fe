import { IsString } from 'class-validator';
import { InkboxAgentIdentity } from './inkbox-agent-identity.dto.js';

/**
 * An agent identity among a mail event's addresses (`data.agent_identities[]`): an
 * {@link InkboxAgentIdentity} plus the address it was matched on and that address's place in the mail.
 */
export class InkboxMailAgentIdentity extends InkboxAgentIdentity {
  /** `from`, `to`, `cc` or `bcc`. */
  @IsString()
  bucket!: 'from' | 'to' | 'cc' | 'bcc' | (string & {});

  /** The mail address the identity was matched on. */
  @IsString()
  address!: string;
}
