import { Module } from '@nestjs/common';
import { MailEventsHandler } from './mail-events.handler.js';
import { MailRecordController } from './mail-record.controller.js';
import { MailRecordStore } from './mail-record.store.js';

/** The record of mail events per mailbox: the handlers that write it and the endpoint that reads it. */
@Module({
  providers: [MailRecordStore, MailEventsHandler],
  controllers: [MailRecordController],
})
export class MailRecordModule {}
