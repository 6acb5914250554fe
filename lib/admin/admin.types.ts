import type { InkboxApiError, InkboxConnectionError, InkboxHttpMethod } from '../errors.js';
import type { InkboxWebhookOwnerKind } from './inkbox-webhook-channels.js';

export type { InkboxHttpMethod };
export type { InkboxWebhookChannelName, InkboxWebhookOwnerKind } from './inkbox-webhook-channels.js';

/*
 * Field names of everything sent to or received from Inkbox stay snake_case, exactly as the API
 * spells them. Options of this library's own operations (setWebhookUrl, replayFailedDeliveries…)
 * are camelCase.
 */

// ---------------------------------------------------------------- mailboxes

/** How a mailbox filters inbound mail: everything except blocked senders, or only allowed senders. */
export type InkboxMailboxFilterMode = 'blacklist' | 'whitelist';

/** Set on the mailbox returned by a PATCH that changed `filter_mode`. */
export interface InkboxFilterModeChangeNotice {
  /** The mode now in force. */
  new_filter_mode: InkboxMailboxFilterMode;
  /** What happened to rules that the new mode makes redundant. */
  redundant_rule_action: string;
  /** How many rules that concerned. */
  redundant_rule_count: number;
}

/** A mailbox, as `GET /api/v1/mail/mailboxes/{email_address}` returns it. */
export interface InkboxMailbox {
  /** Mailbox id (UUID): the `mailbox_id` of its webhook subscriptions. */
  id: string;
  /** The mailbox's address. */
  email_address: string;
  /** Sending domain; when absent, the domain of `email_address`. */
  sending_domain?: string;
  /** Inbound filter mode (Inkbox's default is `blacklist`). */
  filter_mode?: InkboxMailboxFilterMode;
  /** The agent identity that owns the mailbox (and its webhook signing key). */
  agent_identity_id?: string | null;
  /** Present only on the answer to a PATCH that changed the filter mode. */
  filter_mode_change_notice?: InkboxFilterModeChangeNotice | null;
  /** Storage used, in bytes. */
  storage_used_bytes?: number;
  /** Storage limit in bytes, or null for none. */
  storage_limit_bytes?: number | null;
  /**
   * Legacy deployments only (`webhookApi: 'mailbox-field'`): the single URL all of the mailbox's
   * events went to. Current Inkbox servers neither return nor accept it.
   */
  webhook_url?: string | null;
  /** Legacy deployments only: display name (now on the agent identity). */
  display_name?: string | null;
  /** Legacy deployments only: `active`, `paused` or `deleted`. */
  status?: string;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change. */
  updated_at: string;
}

/** Body of `updateMailbox`: the only field the current API lets you change. Needs an admin-scoped key. */
export interface InkboxUpdateMailboxInput {
  /** New inbound filter mode. */
  filter_mode: InkboxMailboxFilterMode;
}

// ---------------------------------------------------------------- subscriptions

/** One context class of a subscription: the last `count` items (1–50) or the last `hours` hours (1–168). */
export type InkboxWebhookContextClassConfig = { mode: 'count'; count: number } | { mode: 'window'; hours: number };

/** Conversation context Inkbox adds to `message.received` payloads, per class. Omitted or null = none. */
export interface InkboxWebhookContextConfig {
  /** Earlier mail of the conversation. */
  email?: InkboxWebhookContextClassConfig | null;
  /** Earlier text messages. */
  texts?: InkboxWebhookContextClassConfig | null;
  /** Earlier calls. */
  calls?: InkboxWebhookContextClassConfig | null;
}

/** Lifecycle status of a subscription. Deleted ones are not returned by list or get. */
export type InkboxWebhookSubscriptionStatus = 'active' | 'deleted';

/** A webhook subscription: where Inkbox POSTs the events of one owner (mailbox, phone number or identity). */
export interface InkboxWebhookSubscription {
  /** Subscription id. */
  id: string;
  /** Owning organisation (`org_…`). */
  organization_id: string;
  /** Owning mailbox, for mail subscriptions. */
  mailbox_id: string | null;
  /** Owning phone number, for text subscriptions. */
  phone_number_id: string | null;
  /** Owning agent identity, for identity-owned subscriptions. */
  agent_identity_id?: string | null;
  /** Agent identity the owner resolves to (on servers that return it). */
  owner_identity_id?: string | null;
  /** Where the events are POSTed. */
  url: string;
  /** Event types delivered, e.g. `message.received`. */
  event_types: string[];
  /** `active` for every subscription the API returns. */
  status: InkboxWebhookSubscriptionStatus;
  /** Conversation context settings, if any. */
  context_config?: InkboxWebhookContextConfig | null;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change. */
  updated_at: string;
}

/** The answer to a subscription create: the subscription plus a signing key minted by this create, if any. */
export interface InkboxCreatedWebhookSubscription extends InkboxWebhookSubscription {
  /**
   * The owning identity's webhook signing key, present only when this create minted its first key.
   * It is shown this once and cannot be read back: store it (e.g. as `INKBOX_SIGNING_KEY`).
   */
  signing_key: string | null;
}

/** Exactly one owner of a new subscription. */
export type InkboxSubscriptionOwner =
  | { mailbox_id: string; phone_number_id?: never; agent_identity_id?: never }
  | { phone_number_id: string; mailbox_id?: never; agent_identity_id?: never }
  | { agent_identity_id: string; mailbox_id?: never; phone_number_id?: never };

/** Body of `createSubscription`. */
export type InkboxCreateWebhookSubscriptionInput = InkboxSubscriptionOwner & {
  /** Where to POST events (HTTPS). */
  url: string;
  /** Non-empty, distinct, one channel; a mailbox owner may only use `message.*`. */
  event_types: string[];
  /** Conversation context for `message.received` payloads. */
  context_config?: InkboxWebhookContextConfig;
};

/** Body of `updateSubscription`: omitted fields stay as they are. The owner cannot change. */
export interface InkboxUpdateWebhookSubscriptionInput {
  /** New destination URL. */
  url?: string;
  /** New event types (replaces the list). */
  event_types?: string[];
  /** New context settings, or null to clear them. */
  context_config?: InkboxWebhookContextConfig | null;
}

/** Filters of `listSubscriptions` (AND-combined; at most one of the three owner filters). */
export interface InkboxListWebhookSubscriptionsFilter {
  /** Only this mailbox's subscriptions. */
  mailbox_id?: string;
  /** Only this phone number's subscriptions. */
  phone_number_id?: string;
  /** Only this identity's subscriptions. */
  agent_identity_id?: string;
  /** Only subscriptions to this exact URL. */
  url?: string;
  /** Only subscriptions that include this event type. */
  event_type?: string;
}

// ---------------------------------------------------------------- signing keys

/** A freshly created or rotated signing key. The plaintext is shown only here, once. */
export interface InkboxSigningKey {
  /** The key; configure it as the module's `signingKey`. */
  signing_key: string;
  /** ISO-8601 creation time. */
  created_at: string;
}

/** Whether an agent identity has a signing key, without revealing it. */
export interface InkboxSigningKeyStatus {
  /** True once a key exists. */
  configured: boolean;
  /** ISO-8601 creation time of the current key, or null. */
  created_at: string | null;
}

// ---------------------------------------------------------------- delivery log

/** One logged delivery attempt (original, Inkbox retry or manual replay). */
export interface InkboxWebhookDelivery {
  /** Delivery id: what `replayDelivery` takes. */
  id: string;
  /** Owning organisation (`org_…`). */
  organization_id: string;
  /** Subscription delivered to; null for incoming-call deliveries (not replayable). */
  webhook_subscription_id: string | null;
  /** Phone number, for incoming-call deliveries. */
  phone_number_id: string | null;
  /** The event's `id` (`evt_…`), the same across retries and replays. */
  event_id: string;
  /** The event type, e.g. `message.received`. */
  event_type: string;
  /** URL the attempt was sent to. */
  url: string;
  /** The exact signed body that was sent. */
  request_payload: string;
  /** HTTP status your endpoint answered; null on a transport failure. */
  response_status: number | null;
  /** Start of your endpoint's response body. */
  response_body: string | null;
  /** Transport error summary, if any. */
  error_detail: string | null;
  /** Duration of the attempt in milliseconds. */
  duration_ms: number | null;
  /** True for rows produced by a manual replay. */
  is_replay: boolean;
  /** Whether the delivery can be replayed (on servers that return it). */
  replayable?: boolean;
  /** Why it cannot be replayed (on servers that return it). */
  replay_unavailable_reason?: string | null;
  /** ISO-8601 time of the attempt. */
  created_at: string;
}

/** Filters and paging of `listDeliveries`. Rows come newest first. */
export interface InkboxListWebhookDeliveriesFilter {
  /** Only deliveries of this subscription. */
  subscription_id?: string;
  /** Only incoming-call deliveries of this phone number. */
  phone_number_id?: string;
  /** Only this event type. */
  event_type?: string;
  /** `true`: your endpoint answered 2xx; `false`: it did not (or did not answer). */
  success?: boolean;
  /** Page size, 1–200 (Inkbox's default 50). */
  limit?: number;
  /** Rows to skip (paging). */
  offset?: number;
}

/** What `replayFailedDeliveries` considers. */
export interface InkboxReplayFailedDeliveriesFilter {
  /** Only failures at or after this time (a Date or an ISO-8601 string). Default: the whole log. */
  since?: Date | string;
  /** Only failures of this subscription. */
  subscriptionId?: string;
  /** Only failures of this event type. */
  eventType?: string;
  /** Replay at most this many events. Default: no limit. */
  limit?: number;
  /** Rows fetched per page of the delivery log, 1–200. Default 100. */
  pageSize?: number;
}

/** A failed delivery that was replayed. */
export interface InkboxReplayedDelivery {
  /** The newest failed attempt of the event, as found in the log. */
  delivery: InkboxWebhookDelivery;
  /** The new delivery row Inkbox recorded for the replay. */
  replay: InkboxWebhookDelivery;
}

/** A failed delivery whose replay was refused or could not be sent. */
export interface InkboxReplayFailure {
  /** The delivery that was to be replayed. */
  delivery: InkboxWebhookDelivery;
  /** A sentence saying why (from the error). */
  reason: string;
  /** The error itself: e.g. 409 when the subscription was deleted or no longer covers the event. */
  error: InkboxApiError | InkboxConnectionError;
}

/** A failed delivery that was not replayed because Inkbox says it cannot be. */
export interface InkboxSkippedDelivery {
  /** The delivery. */
  delivery: InkboxWebhookDelivery;
  /** Why it was skipped. */
  reason: string;
}

/** Outcome of `replayFailedDeliveries`. Each event (per subscription) is replayed at most once. */
export interface InkboxReplayFailedDeliveriesResult {
  /** Replays Inkbox accepted (the replay row tells whether your endpoint answered 2xx this time). */
  replayed: InkboxReplayedDelivery[];
  /** Replays that were refused or failed to send. */
  failed: InkboxReplayFailure[];
  /** Failures Inkbox marks as not replayable (e.g. incoming-call deliveries). */
  skipped: InkboxSkippedDelivery[];
}

// ---------------------------------------------------------------- phone numbers and agent identities

/** What happens when a call comes in on a phone number. Plain strings: Inkbox may add actions. */
export type InkboxIncomingCallAction = 'webhook' | 'auto_accept' | 'auto_reject' | 'hosted_agent' | (string & {});

/** A phone number of the organisation, as `GET /api/v1/phone/numbers` lists it. */
export interface InkboxPhoneNumber {
  /** Phone number id (UUID): the `phone_number_id` of its subscriptions. */
  id: string;
  /** The number, E.164 (`+15551230000`). */
  number: string;
  /** Number type, e.g. `local`. */
  type?: string;
  /** `active`, `paused` or `released`. */
  status?: string;
  /** What an incoming call does; `webhook` asks `incoming_call_webhook_url`. */
  incoming_call_action: InkboxIncomingCallAction;
  /** Where the incoming-call webhook is sent, or null. */
  incoming_call_webhook_url: string | null;
  /** WebSocket URL accepted calls are bridged to, or null. */
  client_websocket_url: string | null;
  /** The agent identity the number belongs to. */
  agent_identity_id?: string | null;
  /** Inbound filter mode. */
  filter_mode?: InkboxMailboxFilterMode;
  /** ISO-8601 creation time. */
  created_at: string;
  /** ISO-8601 time of the last change. */
  updated_at: string;
  /** Further fields Inkbox returns (SMS readiness, state…), kept as sent. */
  [field: string]: unknown;
}

/** An agent identity, as `GET /api/v1/identities/{agent_handle}` returns it. */
export interface InkboxAgentIdentity {
  /** Identity id (UUID): the `agent_identity_id` of its subscriptions. */
  id: string;
  /** The handle, e.g. `sales`. */
  agent_handle: string;
  /** Owning organisation. */
  organization_id?: string;
  /** Display name, or null. */
  display_name?: string | null;
  /** The identity's mailbox address, or null. */
  email_address?: string | null;
  /** True once the identity has a webhook signing key. */
  signing_key_configured?: boolean;
  /** ISO-8601 creation time. */
  created_at?: string;
  /** ISO-8601 time of the last change. */
  updated_at?: string;
  /** Further fields Inkbox returns (mailbox, phone number, tunnel…), kept as sent. */
  [field: string]: unknown;
}

// ---------------------------------------------------------------- setWebhookUrl / disableWebhook

/**
 * Whose events a webhook carries: a mailbox address (`'support@yourco.inkbox.ai'` or `{ mailbox }`:
 * `message.*`), a phone number in E.164 (`{ phoneNumber: '+15551230000' }`: `text.*`) or an agent
 * identity's handle (`{ agentHandle: 'sales' }`: `imessage.*`, `call.ended`, `a2a.*`).
 */
export type InkboxWebhookOwner =
  | string
  | { mailbox: string; phoneNumber?: never; agentHandle?: never }
  | { phoneNumber: string; mailbox?: never; agentHandle?: never }
  | { agentHandle: string; mailbox?: never; phoneNumber?: never };

/** The owner kind a given owner form stands for. */
export type InkboxWebhookOwnerKindOf<O extends InkboxWebhookOwner> = O extends string | { mailbox: string }
  ? 'mailbox'
  : O extends { phoneNumber: string }
    ? 'phoneNumber'
    : O extends { agentHandle: string }
      ? 'agentIdentity'
      : InkboxWebhookOwnerKind;

/** Options of `setWebhookUrl`. */
export interface InkboxSetWebhookUrlOptions {
  /**
   * Event types to deliver to the URL; default: every type the owner has (mailbox `message.*`, phone
   * number `text.*`, agent identity `imessage.*`, `call.ended` and `a2a.*`). Distinct, owned by the
   * owner, never `phone.incoming_call`. One subscription is kept per channel. Ignored by the legacy
   * `mailbox-field` API.
   */
  eventTypes?: readonly string[];
  /**
   * Conversation context added to received mail, text and iMessage payloads; `null` clears it. Sent
   * only with the channels that carry context (never `call.*` or `a2a.*`). Subscriptions API only.
   */
  contextConfig?: InkboxWebhookContextConfig | null;
}

/** What `setWebhookUrl` did. */
export type InkboxSetWebhookUrlAction = 'created' | 'updated' | 'unchanged';

/** Outcome of `setWebhookUrl`, whatever the owner. */
export interface InkboxSetWebhookUrlOutcome {
  /** The kind of owner. */
  ownerKind: InkboxWebhookOwnerKind;
  /** The owner's id (mailbox, phone number or identity id). */
  ownerId: string;
  /**
   * The subscription delivering the owner's events to the URL: for an agent identity subscribed to
   * several channels, the first of `subscriptions`. Never carries a signing key. Null with the legacy
   * `webhookApi: 'mailbox-field'`, where the URL is a field of the mailbox.
   */
  subscription: InkboxWebhookSubscription | null;
  /** Every subscription now delivering the owner's events to the URL, one per channel. */
  subscriptions: InkboxWebhookSubscription[];
  /** Subscriptions of the owner to the same URL for channels no longer asked for, deleted by this call. */
  removed: InkboxWebhookSubscription[];
  /** `created` only new subscriptions, `updated` (changed or removed some), or found it all `unchanged`. */
  action: InkboxSetWebhookUrlAction;
  /**
   * Set only when creating a subscription minted the identity's first signing key. Shown this once:
   * store it as the module's `signingKey`. It is never logged.
   */
  signingKey?: string;
  /**
   * True when a create was sent but its answer was lost (connection dropped, timeout, 5xx) and the retry
   * found the subscription in place. If that create minted the identity's first signing key, the key was
   * never received: check `getSigningKeyStatus` and, if needed, `rotateSigningKey`.
   */
  signingKeyMayBeLost?: boolean;
}

/** Outcome of `setWebhookUrl` for a mailbox, with the mailbox. */
export interface InkboxMailboxWebhookResult extends InkboxSetWebhookUrlOutcome {
  /** Owner kind. */
  ownerKind: 'mailbox';
  /** The mailbox the URL now applies to. */
  mailbox: InkboxMailbox;
}

/** Outcome of `setWebhookUrl` for a phone number, with the phone number. */
export interface InkboxPhoneNumberWebhookResult extends InkboxSetWebhookUrlOutcome {
  /** Owner kind. */
  ownerKind: 'phoneNumber';
  /** The phone number the URL now applies to. */
  phoneNumber: InkboxPhoneNumber;
}

/** Outcome of `setWebhookUrl` for an agent identity, with the identity. */
export interface InkboxAgentIdentityWebhookResult extends InkboxSetWebhookUrlOutcome {
  /** Owner kind. */
  ownerKind: 'agentIdentity';
  /** The agent identity the URL now applies to. */
  identity: InkboxAgentIdentity;
}

/** Outcome of `setWebhookUrl` for an owner of kind `K` (all kinds: a union narrowed by `ownerKind`). */
export type InkboxSetWebhookUrlResult<K extends InkboxWebhookOwnerKind = InkboxWebhookOwnerKind> = K extends 'mailbox'
  ? InkboxMailboxWebhookResult
  : K extends 'phoneNumber'
    ? InkboxPhoneNumberWebhookResult
    : InkboxAgentIdentityWebhookResult;

// ---------------------------------------------------------------- incoming-call webhook

/** Options of `disableIncomingCallWebhook`. */
export interface InkboxDisableIncomingCallWebhookOptions {
  /** What incoming calls do once the webhook is off. Default `auto_reject`. */
  action?: Exclude<InkboxIncomingCallAction, 'webhook'>;
}

/** Outcome of `setIncomingCallWebhookUrl`. */
export interface InkboxIncomingCallWebhookResult {
  /** The phone number, as Inkbox now has it. */
  phoneNumber: InkboxPhoneNumber;
  /** `updated` when a PATCH was sent, `unchanged` when the number already asked that URL. */
  action: 'updated' | 'unchanged';
}

// ---------------------------------------------------------------- client tuning

/** Retry tuning of the admin client (provide under `INKBOX_ADMIN_CLIENT_OPTIONS`). */
export interface InkboxAdminClientOptions {
  /** First backoff step in ms (full jitter: attempt n waits random × min(max, base × 2^(n-1))). Default 500. */
  retryBaseDelayMs?: number;
  /** Upper bound of a computed backoff wait, in ms. Default 20 000. */
  retryMaxDelayMs?: number;
  /** Longest `Retry-After` honoured, in ms; a longer one ends the retries with the error. Default 60 000. */
  maxRetryAfterMs?: number;
  /** How to wait between attempts. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Random source in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

// ---------------------------------------------------------------- registerWebhooks

/** What one `registerWebhooks` entry was about: an owner's event webhook or a number's incoming-call webhook. */
export type InkboxWebhookRegistrationKind = InkboxWebhookOwnerKind | 'incomingCall';

/** Outcome of registering one entry at startup (`registerWebhooks`), narrowed by `kind` and `ok`. */
export type InkboxWebhookRegistration =
  | InkboxRegistrationOf<InkboxWebhookOwnerKind, InkboxSetWebhookUrlResult>
  | InkboxRegistrationOf<'incomingCall', InkboxIncomingCallWebhookResult>;

/** One registration of kind `K` whose successful result is `R`. */
export type InkboxRegistrationOf<K extends InkboxWebhookRegistrationKind, R> = {
  /** `mailbox`, `phoneNumber`, `agentIdentity` (event webhooks) or `incomingCall`. */
  kind: K;
  /** The owner as listed in the options: a mailbox address, an E.164 number or an agent handle. */
  owner: string;
  /** The URL it was (to be) pointed at. */
  url: string;
} & (
  | {
      /** Succeeded. */
      ok: true;
      /** What was done and returned, including a freshly minted `signingKey`, if any. */
      result: R;
    }
  | {
      /** Failed (logged; the app keeps running). */
      ok: false;
      /** Why. */
      error: Error;
    }
);
