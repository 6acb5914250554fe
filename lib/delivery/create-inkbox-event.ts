import { randomUUID } from 'node:crypto';
import type { InkboxEventType } from '../events/inkbox-event-types.js';

/** A plain payload shaped like the event class of `T` (what Inkbox sends, before parsing). */
export type InkboxEventPayload<T extends InkboxEventType> = {
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
    agent_identities: Array<{ bucket: string; address: string; id: string; agent_handle: string; display_name: string | null }>;
    [extra: string]: unknown;
  };
  [extra: string]: unknown;
};

/** Recursive partial: objects merge key by key; arrays and other values replace. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const STATUS: Record<InkboxEventType, { direction: 'inbound' | 'outbound'; status: string }> = {
  'message.received': { direction: 'inbound', status: 'received' },
  'message.sent': { direction: 'outbound', status: 'sent' },
  'message.forwarded': { direction: 'outbound', status: 'sent' },
  'message.delivered': { direction: 'outbound', status: 'delivered' },
  'message.bounced': { direction: 'outbound', status: 'bounced' },
  'message.failed': { direction: 'outbound', status: 'failed' },
};

/**
 * The event types {@link createInkboxEvent} can build (every mail event type), without loading the
 * event classes: usable where `reflect-metadata` is not loaded, as in the CLI.
 */
export const CREATABLE_INKBOX_EVENT_TYPES = Object.freeze(Object.keys(STATUS)) as readonly InkboxEventType[];

/** True when {@link createInkboxEvent} can build `type`. */
export function isCreatableInkboxEventType(type: string): type is InkboxEventType {
  return Object.prototype.hasOwnProperty.call(STATUS, type);
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

/**
 * A realistic, valid payload for a mail event type, in the current Inkbox shape, with a fresh `id`
 * and timestamps of now. Deep-partial `overrides` change any field.
 *
 * @example
 * createInkboxEvent('message.bounced', { data: { message: { to_addresses: ['gone@example.com'] } } })
 */
export function createInkboxEvent<T extends InkboxEventType>(type: T, overrides?: DeepPartial<InkboxEventPayload<T>>): InkboxEventPayload<T> {
  const shape = STATUS[type];
  if (!shape) throw new TypeError(`createInkboxEvent: unknown event type "${String(type)}"; known: ${Object.keys(STATUS).join(', ')}.`);
  const now = new Date().toISOString();
  const inbound = shape.direction === 'inbound';
  const mailbox = 'support@inkboxmail.com';
  const customer = 'customer@example.com';
  const base: InkboxEventPayload<T> = {
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    event_type: type,
    timestamp: now,
    data: {
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
      contacts: [{ bucket: inbound ? 'from' : 'to', address: customer, id: randomUUID(), name: 'Jane Doe', memories: [] }],
      agent_identities: [],
    },
  };
  return merge(base, overrides);
}
