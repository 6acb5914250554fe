import { randomUUID } from 'node:crypto';
import type { InkboxAgentIdentity } from '../events/dto/inkbox-agent-identity.dto.js';
import type { InkboxContact } from '../events/dto/inkbox-contact.dto.js';
import type { PhoneIncomingCallEvent } from '../events/dto/phone-incoming-call-event.dto.js';
import type { InkboxEventMap, InkboxEventType } from '../events/inkbox-event-types.js';
import {
  a2aEventData,
  callEndedEventData,
  imessageEventData,
  incomingCallPayload,
  textEventData,
} from './inkbox-event-samples.js';

/** Every type {@link createInkboxEvent} builds: the 21 event types and the synchronous `phone.incoming_call`. */
export type InkboxCreatableEventType = InkboxEventType | 'phone.incoming_call';

/** The flat `phone.incoming_call` payload as {@link createInkboxEvent} builds it. */
export type InkboxIncomingCallPayload = PhoneIncomingCallEvent & {
  contacts: InkboxContact[];
  agent_identities: InkboxAgentIdentity[];
};

/**
 * A plain payload shaped like the class of `T` (what Inkbox sends, before parsing): the mail shape
 * below, the event class's fields for the other families, the flat call for `phone.incoming_call`.
 */
export type InkboxEventPayload<T extends InkboxCreatableEventType> = T extends 'phone.incoming_call'
  ? InkboxIncomingCallPayload
  : T extends `message.${string}`
    ? InkboxMailEventPayload<T>
    : T extends InkboxEventType
      ? InkboxEventMap[T] & { id: string }
      : never;

/** A plain mail event payload (`message.*`). */
export type InkboxMailEventPayload<T extends InkboxEventType> = {
  id: string;
  event_type: T;
  timestamp: string;
  data: {
    message: {
      id: string;
      mailbox_id: string;
      thread_id: string | null;
      message_id: string | null;
      from_address: string;
      to_addresses: string[];
      cc_addresses: string[] | null;
      bcc_addresses: string[] | null;
      subject: string | null;
      snippet: string | null;
      email_address: string | null;
      body: string | null;
      body_state: string | null;
      body_truncated: boolean | null;
      body_total_chars: number | null;
      body_included_chars: number | null;
      direction: 'inbound' | 'outbound';
      status: string;
      has_attachments: boolean;
      created_at: string | null;
      [extra: string]: unknown;
    };
    contacts: Array<{ bucket: string; address: string; id: string; name: string | null; memories?: string[] }>;
    agent_identities: Array<{
      bucket: string;
      address: string;
      id: string;
      agent_handle: string;
      display_name: string | null;
    }>;
    [extra: string]: unknown;
  };
  [extra: string]: unknown;
};

/** Recursive partial: objects merge key by key; arrays and other values replace. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

const MAIL_SHAPE: Record<string, { direction: 'inbound' | 'outbound'; status: string }> = {
  'message.received': { direction: 'inbound', status: 'received' },
  'message.sent': { direction: 'outbound', status: 'sent' },
  'message.forwarded': { direction: 'outbound', status: 'sent' },
  'message.delivered': { direction: 'outbound', status: 'delivered' },
  'message.bounced': { direction: 'outbound', status: 'bounced' },
  'message.failed': { direction: 'outbound', status: 'failed' },
};

/**
 * Every event type, listed here as plain strings (the same order as the event-type table) so that
 * building a payload loads no event class: usable where `reflect-metadata` is not loaded, as in the CLI.
 */
const EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.forwarded',
  'message.delivered',
  'message.bounced',
  'message.failed',
  'text.received',
  'text.sent',
  'text.delivered',
  'text.delivery_failed',
  'text.delivery_unconfirmed',
  'imessage.received',
  'imessage.reaction_received',
  'imessage.sent',
  'imessage.delivered',
  'imessage.delivery_failed',
  'call.ended',
  'a2a.task.created',
  'a2a.task.message',
  'a2a.task.canceled',
  'a2a.sent_task.updated',
] as const satisfies readonly InkboxEventType[];
// compile-time check that the list above names every event type of the table
const EVERY_TYPE_LISTED: Exclude<InkboxEventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true;
void EVERY_TYPE_LISTED;

/** The types {@link createInkboxEvent} can build: every event type, then `phone.incoming_call`. */
export const CREATABLE_INKBOX_EVENT_TYPES: readonly InkboxCreatableEventType[] = Object.freeze([
  ...EVENT_TYPES,
  'phone.incoming_call' as const,
]);

/** True when {@link createInkboxEvent} can build `type`. */
export function isCreatableInkboxEventType(type: string): type is InkboxCreatableEventType {
  return CREATABLE_INKBOX_EVENT_TYPES.includes(type as InkboxCreatableEventType);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function merge<T>(base: T, overrides: unknown): T {
  if (!isPlainObject(overrides) || !isPlainObject(base)) return (overrides === undefined ? base : overrides) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key], value) : value;
  }
  return out as T;
}

function mailEventData(type: string, now: string): Record<string, unknown> {
  const shape = MAIL_SHAPE[type]!;
  const inbound = shape.direction === 'inbound';
  const mailbox = 'support@inkboxmail.com';
  const customer = 'customer@example.com';
  return {
    message: {
      id: randomUUID(),
      mailbox_id: '73fdb447-4d3a-4a31-bf05-7373d6dfdf74',
      thread_id: randomUUID(),
      message_id: `<${randomUUID()}@example.com>`,
      from_address: inbound ? customer : mailbox,
      to_addresses: [inbound ? mailbox : customer],
      cc_addresses: null,
      bcc_addresses: null,
      subject: inbound ? 'Question about pricing' : 'Re: Question about pricing',
      snippet: inbound ? 'Can you help me understand...' : "Absolutely. Here's the breakdown...",
      email_address: mailbox,
      body: inbound ? 'Can you help me understand your pricing tiers?' : null,
      body_state: inbound ? 'complete' : null,
      body_truncated: inbound ? false : null,
      body_total_chars: inbound ? 46 : null,
      body_included_chars: inbound ? 46 : null,
      direction: shape.direction,
      status: shape.status,
      has_attachments: false,
      created_at: now,
    },
    contacts: [
      { bucket: inbound ? 'from' : 'to', address: customer, id: randomUUID(), name: 'Jane Doe', memories: [] },
    ],
    agent_identities: [],
  };
}

/** `data` of an event of `type`, by family. */
function eventData(type: InkboxEventType, now: string): Record<string, unknown> {
  if (type.startsWith('message.')) return mailEventData(type, now);
  if (type.startsWith('text.')) return textEventData(type, now);
  if (type.startsWith('imessage.')) return imessageEventData(type, now);
  if (type === 'call.ended') return callEndedEventData(now);
  return a2aEventData(type);
}

/**
 * A realistic, valid payload of `type`, in the current Inkbox shape, with a fresh `id` and
 * timestamps of now: any of the 21 event types (an envelope `{ id, event_type, timestamp, data }`),
 * or `phone.incoming_call` (the flat call Inkbox posts to the incoming-call route). Deep-partial
 * `overrides` change any field.
 *
 * @example
 * createInkboxEvent('message.bounced', { data: { message: { to_addresses: ['gone@example.com'] } } })
 * createInkboxEvent('text.received', { data: { text_message: { text: 'STOP' } } })
 * createInkboxEvent('phone.incoming_call', { remote_phone_number: '+15555550123' })
 */
export function createInkboxEvent<T extends InkboxCreatableEventType>(
  type: T,
  overrides?: DeepPartial<InkboxEventPayload<T>>,
): InkboxEventPayload<T> {
  if (!isCreatableInkboxEventType(type)) {
    throw new TypeError(
      `createInkboxEvent: unknown event type "${String(type)}"; known: ${CREATABLE_INKBOX_EVENT_TYPES.join(', ')}.`,
    );
  }
  const now = new Date().toISOString();
  const base =
    type === 'phone.incoming_call'
      ? incomingCallPayload(now)
      : {
          id: `evt_${randomUUID().replace(/-/g, '')}`,
          event_type: type,
          timestamp: now,
          data: eventData(type, now),
        };
  return merge(base, overrides) as unknown as InkboxEventPayload<T>;
}
