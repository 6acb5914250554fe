import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { MailRecordStore, type MailboxRecord } from './mail-record.store.js';

/** Reads the record the webhook handlers keep. */
@Controller('mailboxes')
export class MailRecordController {
  constructor(private readonly store: MailRecordStore) {}

  /** Every mailbox that has received webhooks, with its record. */
  @Get()
  all(): { mailboxes: MailboxRecord[] } {
    return { mailboxes: this.store.mailboxes().map((m) => this.store.mailbox(m)!) };
  }

  /** One mailbox's record: counts per event, bounced recipients, failed messages, latest events. */
  @Get(':address')
  one(@Param('address') address: string): MailboxRecord {
    const record = this.store.mailbox(address);
    if (!record) throw new NotFoundException(`No Inkbox event recorded for ${address}.`);
    return record;
  }
}
