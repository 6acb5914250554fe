import { IsString } from 'class-validator';
import { InkboxContact } from './inkbox-contact.dto.js';

/**
 * A resolved contact of a mail event (`data.contacts[]`, or the older single `data.contact`): an
 * {@link InkboxContact} plus the address it was matched on and that address's place in the mail.
 */
export class InkboxMailContact extends InkboxContact {
  /** `from`, `to`, `cc` or `bcc`. */
  @IsString()
  bucket!: 'from' | 'to' | 'cc' | 'bcc' | (string & {});

  /** The mail address the contact was matched on. */
  @IsString()
  address!: string;
}
