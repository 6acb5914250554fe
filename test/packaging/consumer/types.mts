import { Injectable } from '@nestjs/common';
import { InkboxModule, OnInkboxEvent, type MessageBouncedEvent, verifyInkboxSignature } from 'nestjs-inkbox';
import { createInkboxEvent, signInkboxWebhook } from 'nestjs-inkbox/testing';

@Injectable()
export class Handler {
  @OnInkboxEvent('message.bounced')
  onBounce(event: MessageBouncedEvent): string {
    return event.data.message.from_address;
  }
}
export const mod = InkboxModule.forRoot({ signingKey: 'k' });
const signed = signInkboxWebhook(createInkboxEvent('message.sent'), { signingKey: 'k' });
export const result: boolean = verifyInkboxSignature({
  rawBody: signed.body,
  headers: signed.headers,
  signingKey: 'k',
}).ok;
