import { Injectable } from '@nestjs/common';
import {
  InkboxEvent,
  MessageBouncedEvent,
  MessageDeliveredEvent,
  MessageFailedEvent,
  MessageForwardedEvent,
  MessageReceivedEvent,
  MessageSentEvent,
  OnInkboxEvent,
  type InkboxDeliveryContext,
} from '../../lib';

/** One recorded handler call: which handler, the class it received, and the event. */
export interface Call {
  handler: string;
  className: string;
  event: InkboxEvent;
  delivery: InkboxDeliveryContext;
}

/** Shared call log; tests reset it. */
@Injectable()
export class CallLog {
  readonly calls: Call[] = [];
  readonly failNext = new Map<string, number>();

  record(handler: string, event: InkboxEvent, delivery: InkboxDeliveryContext): void {
    this.calls.push({ handler, className: event.constructor.name, event, delivery });
    const remaining = this.failNext.get(handler) ?? 0;
    if (remaining > 0) {
      this.failNext.set(handler, remaining - 1);
      throw new Error(`${handler} was told to fail`);
    }
  }

  names(): string[] {
    return this.calls.map((c) => c.handler).sort();
  }

  reset(): void {
    this.calls.length = 0;
    this.failNext.clear();
  }
}

/** One typed handler per mail event type, plus a stacked one. */
@Injectable()
export class MailHandlers {
  constructor(private readonly log: CallLog) {}

  @OnInkboxEvent('message.received')
  onReceived(event: MessageReceivedEvent, delivery: InkboxDeliveryContext) {
    this.log.record('received', event, delivery);
  }

  @OnInkboxEvent('message.sent')
  onSent(event: MessageSentEvent, delivery: InkboxDeliveryContext) {
    this.log.record('sent', event, delivery);
  }

  @OnInkboxEvent('message.forwarded')
  onForwarded(event: MessageForwardedEvent, delivery: InkboxDeliveryContext) {
    this.log.record('forwarded', event, delivery);
  }

  @OnInkboxEvent('message.delivered')
  async onDelivered(event: MessageDeliveredEvent, delivery: InkboxDeliveryContext) {
    await new Promise((resolve) => setImmediate(resolve));
    this.log.record('delivered', event, delivery);
  }

  @OnInkboxEvent('message.bounced')
  onBounced(event: MessageBouncedEvent, delivery: InkboxDeliveryContext) {
    this.log.record('bounced', event, delivery);
  }

  @OnInkboxEvent('message.failed')
  onFailed(event: MessageFailedEvent, delivery: InkboxDeliveryContext) {
    this.log.record('failed', event, delivery);
  }

  @OnInkboxEvent(['message.bounced', 'message.failed'])
  @OnInkboxEvent('message.delivered')
  onOutcome(event: MessageBouncedEvent | MessageFailedEvent | MessageDeliveredEvent, delivery: InkboxDeliveryContext) {
    this.log.record('outcome', event, delivery);
  }
}

/** A `'*'` handler, in its own provider. */
@Injectable()
export class EverythingHandler {
  constructor(private readonly log: CallLog) {}

  @OnInkboxEvent('*')
  onAny(event: InkboxEvent, delivery: InkboxDeliveryContext) {
    this.log.record('any', event, delivery);
  }
}
