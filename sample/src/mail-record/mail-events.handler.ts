import { Injectable, Logger } from '@nestjs/common';
import {
  OnInkboxEvent,
  type InkboxDeliveryContext,
  type InkboxMailEvent,
  type MessageBouncedEvent,
  type MessageDeliveredEvent,
  type MessageFailedEvent,
  type MessageForwardedEvent,
  type MessageReceivedEvent,
  type MessageSentEvent,
} from 'nestjs-inkbox';
import { MailRecordStore } from './mail-record.store.js';

/**
 * One handler per mail event. Each receives a validated event class; the module has already checked
 * the signature, and answers Inkbox 200 once every handler has returned (500 if one throws, so that
 * Inkbox retries).
 */
@Injectable()
export class MailEventsHandler {
  private readonly logger = new Logger(MailEventsHandler.name);

  constructor(private readonly store: MailRecordStore) {}

  @OnInkboxEvent('message.received')
  onReceived(event: MessageReceivedEvent, delivery: InkboxDeliveryContext): void {
    this.record(event, delivery, 'received', [event.data.message.from_address]);
  }

  @OnInkboxEvent('message.sent')
  onSent(event: MessageSentEvent, delivery: InkboxDeliveryContext): void {
    this.record(event, delivery, 'sent', recipients(event));
  }

  @OnInkboxEvent('message.forwarded')
  onForwarded(event: MessageForwardedEvent, delivery: InkboxDeliveryContext): void {
    this.record(event, delivery, 'forwarded', recipients(event));
  }

  @OnInkboxEvent('message.delivered')
  onDelivered(event: MessageDeliveredEvent, delivery: InkboxDeliveryContext): void {
    this.record(event, delivery, 'delivered', recipients(event));
  }

  @OnInkboxEvent('message.bounced')
  onBounced(event: MessageBouncedEvent, delivery: InkboxDeliveryContext): void {
    // Inkbox sends bounces and complaints alike as message.bounced, with no bounce type.
    const addresses = recipients(event);
    this.record(event, delivery, 'bounced', addresses);
    this.logger.warn(`Bounce from ${addresses.join(', ')} for "${event.data.message.subject ?? '(no subject)'}"`);
  }

  @OnInkboxEvent('message.failed')
  onFailed(event: MessageFailedEvent, delivery: InkboxDeliveryContext): void {
    // Inkbox gave up sending after its own retries.
    this.record(event, delivery, 'failed', recipients(event));
  }

  private record(
    event: InkboxMailEvent,
    delivery: InkboxDeliveryContext,
    kind: MailEventKind,
    counterparties: string[],
  ): void {
    const message = event.data.message;
    this.store.record({
      // The payload id (evt_…) when present, else a hash of the body: the same across Inkbox's retries.
      eventKey: delivery.eventKey,
      kind,
      mailbox: mailboxOf(event),
      messageId: message.id,
      subject: message.subject ?? null,
      counterparties,
      occurredAt: event.timestamp,
    });
  }
}

/** The six mail event kinds, as the record names them. */
export type MailEventKind = 'received' | 'sent' | 'forwarded' | 'delivered' | 'bounced' | 'failed';

function recipients(event: InkboxMailEvent): string[] {
  const { to_addresses, cc_addresses, bcc_addresses } = event.data.message;
  return [...to_addresses, ...(cc_addresses ?? []), ...(bcc_addresses ?? [])];
}

/** The mailbox an event belongs to. Payloads older than `email_address` name it only by direction. */
function mailboxOf(event: InkboxMailEvent): string {
  const message = event.data.message;
  if (message.email_address) return message.email_address.toLowerCase();
  const address = message.direction === 'inbound' ? message.to_addresses[0] : message.from_address;
  return (address ?? message.mailbox_id).toLowerCase();
}
