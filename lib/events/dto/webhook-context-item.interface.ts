import type { WebhookTranscriptEntry } from './webhook-transcript-entry.dto.js';

/** A mail item of `data.context.email.items`: metadata and snippet, never the body. */
export interface WebhookContextMailItem {
  id: string;
  direction: string;
  from_address: string;
  to_addresses: string[];
  created_at: string;
  subject: string | null;
  snippet: string | null;
  email_address?: string | null;
  [extra: string]: unknown;
}

/** An SMS or iMessage item of `data.context.texts.items`; `media` is a count, never URLs. */
export interface WebhookContextTextItem {
  id: string;
  /** `sms` or `imessage`. */
  channel: 'sms' | 'imessage' | (string & {});
  direction: string;
  text: string;
  text_truncated: boolean;
  created_at: string;
  sender: string | null;
  status: string | null;
  media: { count: number } | null;
  [extra: string]: unknown;
}

/** A call item of `data.context.calls.items`, with its (possibly abridged) transcript. */
export interface WebhookContextCallItem {
  call_id: string;
  abridged: boolean;
  transcript: WebhookTranscriptEntry[];
  direction: string | null;
  remote_number: string | null;
  /** Call length in whole seconds. */
  duration: number | null;
  started_at: string | null;
  [extra: string]: unknown;
}

/** Any item of a context block. */
export type WebhookContextItem = WebhookContextMailItem | WebhookContextTextItem | WebhookContextCallItem;
