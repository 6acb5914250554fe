import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { INKBOX_RESOLVED_OPTIONS } from '../inkbox.constants.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import { InkboxConfigurationError } from '../options/inkbox-options.js';
import {
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_REPLAY_PAGE_SIZE,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  INKBOX_ADMIN_CLIENT_OPTIONS,
  INKBOX_MAX_DELIVERY_PAGE_SIZE,
} from './admin.constants.js';
import type {
  InkboxAdminClientOptions,
  InkboxAgentIdentity,
  InkboxCreateWebhookSubscriptionInput,
  InkboxCreatedWebhookSubscription,
  InkboxDisableIncomingCallWebhookOptions,
  InkboxIncomingCallWebhookResult,
  InkboxListWebhookDeliveriesFilter,
  InkboxListWebhookSubscriptionsFilter,
  InkboxMailbox,
  InkboxPhoneNumber,
  InkboxReplayFailedDeliveriesFilter,
  InkboxReplayFailedDeliveriesResult,
  InkboxSetWebhookUrlOptions,
  InkboxSetWebhookUrlResult,
  InkboxSigningKey,
  InkboxSigningKeyStatus,
  InkboxUpdateMailboxInput,
  InkboxUpdateWebhookSubscriptionInput,
  InkboxWebhookDelivery,
  InkboxWebhookOwner,
  InkboxWebhookOwnerKindOf,
  InkboxWebhookSubscription,
} from './admin.types.js';
import { InkboxApiError, InkboxConnectionError } from '../errors.js';
import { InkboxHttpClient } from './inkbox-http.client.js';
import { mayHaveBeenProcessed } from './inkbox-retry.policy.js';
import {
  InkboxSubscriptionReconciler,
  SUBSCRIPTIONS_PATH,
  explainSubscriptionCap,
  subscriptionPath,
  withHint,
  type InkboxReconcileState,
} from './inkbox-subscription.reconciler.js';
import {
  INKBOX_OWNER_ID_FIELDS,
  contextConfigProblem,
  eventTypesProblem,
  type InkboxWebhookOwnerKind,
} from './inkbox-webhook-channels.js';
import {
  parseWebhookOwner,
  planWebhook,
  requirePhoneNumber,
  type InkboxWebhookOwnerRecord,
  type InkboxWebhookOwnerRef,
} from './inkbox-webhook-owner.js';

const DELIVERIES_PATH = '/webhooks/deliveries';
const PHONE_NUMBERS_PATH = '/phone/numbers';

const LEGACY_422_HINT =
  "This Inkbox server no longer accepts webhook_url on mailboxes: remove webhookApi: 'mailbox-field' from the module options (the default, webhookApi: 'subscriptions', uses webhook subscriptions).";

/** Failed deliveries chosen for replay, and those Inkbox says cannot be replayed. */
interface ReplayCandidates {
  replayable: InkboxWebhookDelivery[];
  skipped: InkboxReplayFailedDeliveriesResult['skipped'];
}

/**
 * Client of the Inkbox admin API: where webhooks go (subscriptions, or the legacy mailbox field),
 * mailboxes, signing keys and the delivery log. Needs the module's `apiKey` option; the webhook
 * receiver does not. Idempotent calls are retried on 429, 5xx and network failures.
 */
@Injectable()
export class InkboxAdminService {
  private readonly logger = new Logger(InkboxAdminService.name);
  private readonly http: InkboxHttpClient;
  private readonly reconciler: InkboxSubscriptionReconciler;
  private readonly webhookApi: ResolvedInkboxOptions['webhookApi'];

  constructor(
    @Inject(INKBOX_RESOLVED_OPTIONS) options: ResolvedInkboxOptions,
    @Optional() @Inject(INKBOX_ADMIN_CLIENT_OPTIONS) clientOptions?: InkboxAdminClientOptions,
  ) {
    this.webhookApi = options.webhookApi;
    this.http = new InkboxHttpClient({
      apiKey: options.apiKey,
      baseUrl: options.apiBaseUrl,
      timeoutMs: options.apiTimeoutMs,
      maxAttempts: options.apiMaxAttempts,
      tuning: resolveClientOptions(clientOptions),
      logger: this.logger,
    });
    this.reconciler = new InkboxSubscriptionReconciler(this.http);
  }

  // ------------------------------------------------------------ webhook URL

  /**
   * Makes Inkbox deliver an owner's events to `url`. The owner is a mailbox address (`'support@…'` or
   * `{ mailbox }`: `message.*`), a phone number (`{ phoneNumber: '+15551230000' }`, E.164: `text.*`) or an
   * agent identity (`{ agentHandle: 'sales' }`: `imessage.*`, `call.ended`, `a2a.*`); by default every
   * event type the owner has. The options are checked before any request (`InkboxConfigurationError`).
   *
   * Idempotent: the owner's subscription to `url` for each channel is created, or its event types updated,
   * or left as it is; calling it again never adds a second one. Subscriptions of the owner to the same URL
   * for channels no longer asked for are deleted. A transient failure (429, 5xx, network) retries the
   * whole operation (look up again, then update or create), so a create whose answer was lost does not
   * leave two subscriptions. A 409 on a create is Inkbox's cap of 20 subscriptions per owner: the error
   * says so.
   *
   * With `webhookApi: 'mailbox-field'` (legacy deployments) it sets the mailbox's `webhook_url` instead
   * (mailboxes only).
   *
   * @param owner the mailbox address, `{ mailbox }`, `{ phoneNumber }` or `{ agentHandle }`
   * @param url the public HTTPS URL of your webhook endpoint
   * @returns the owner, its subscriptions, what was done, and a signing key if this call minted one
   *   (shown once: store it; it is never logged)
   */
  async setWebhookUrl<O extends InkboxWebhookOwner>(
    owner: O,
    url: string,
    options: InkboxSetWebhookUrlOptions = {},
  ): Promise<InkboxSetWebhookUrlResult<InkboxWebhookOwnerKindOf<O>>> {
    const ref = parseWebhookOwner(owner);
    requireHttpUrl(url, 'url');
    if (this.webhookApi === 'mailbox-field') {
      return (await this.setMailboxWebhookField(requireLegacyMailbox(ref), url)) as InkboxSetWebhookUrlResult<
        InkboxWebhookOwnerKindOf<O>
      >;
    }
    const plan = planWebhook(ref.kind, options);
    const state: InkboxReconcileState = { createMayHaveSucceeded: false };
    const result = await this.http.retrying(`setWebhookUrl(${ref.key})`, 'idempotent', async () => {
      const record = await this.lookUpOwner(ref);
      const outcome = await this.reconciler.apply(record, url, plan, state);
      return withOwner(record, outcome);
    });
    this.logger.debug(
      `setWebhookUrl(${ref.key}): ${result.subscriptions.map((s) => s.id).join(', ') || 'no subscription'} ${result.action}.`,
    );
    return result as InkboxSetWebhookUrlResult<InkboxWebhookOwnerKindOf<O>>;
  }

  /**
   * Stops deliveries of an owner's events to `url`, or to every URL when `url` is omitted, by deleting its
   * subscriptions (found by the owner's own id field; legacy mode: clearing the mailbox's `webhook_url`).
   * Idempotent: nothing to remove is not an error.
   *
   * @param owner the mailbox address, `{ mailbox }`, `{ phoneNumber }` or `{ agentHandle }`
   * @returns the number of subscriptions (or legacy URLs) this call removed
   */
  async disableWebhook(owner: InkboxWebhookOwner, url?: string): Promise<number> {
    const ref = parseWebhookOwner(owner);
    if (url !== undefined) requireHttpUrl(url, 'url');
    if (this.webhookApi === 'mailbox-field') return this.clearMailboxWebhookField(requireLegacyMailbox(ref), url);
    const record = await this.http.retrying(`disableWebhook(${ref.key})`, 'idempotent', () => this.lookUpOwner(ref));
    const field = INKBOX_OWNER_ID_FIELDS[record.kind];
    const subscriptions = await this.listSubscriptions({ [field]: record.id, url });
    let removed = 0;
    for (const subscription of subscriptions.filter(
      (s) => s[field] === record.id && (url === undefined || s.url === url),
    )) {
      if (await this.deleteSubscription(subscription.id)) removed++;
    }
    return removed;
  }

  // ------------------------------------------------------------ incoming-call webhook

  /**
   * Makes Inkbox ask `url` what to do with each call coming in on the phone number (the synchronous
   * `phone.incoming_call` webhook): `PATCH /api/v1/phone/numbers/{id}` with `incoming_call_action:
   * "webhook"` and `incoming_call_webhook_url`. Idempotent: nothing is sent when the number already asks
   * that URL. Retried as a whole on transient failures.
   *
   * @param phoneNumber the number in E.164, e.g. `+15551230000`
   * @param url the public HTTPS URL of your incoming-call route
   */
  async setIncomingCallWebhookUrl(phoneNumber: string, url: string): Promise<InkboxIncomingCallWebhookResult> {
    requirePhoneNumber(phoneNumber);
    requireHttpUrl(url, 'url');
    return this.http.retrying(`setIncomingCallWebhookUrl(${phoneNumber})`, 'idempotent', async () => {
      const number = await this.findPhoneNumber(phoneNumber);
      if (number.incoming_call_action === 'webhook' && number.incoming_call_webhook_url === url)
        return { phoneNumber: number, action: 'unchanged' };
      const updated = await this.http.send<InkboxPhoneNumber>({
        method: 'PATCH',
        path: phoneNumberPath(number.id),
        body: { incoming_call_action: 'webhook', incoming_call_webhook_url: url },
      });
      return { phoneNumber: updated, action: 'updated' };
    });
  }

  /**
   * Turns the phone number's incoming-call webhook off: `incoming_call_action` becomes `options.action`
   * (default `auto_reject`) and `incoming_call_webhook_url` null. Idempotent.
   *
   * @returns true when this call changed the number, false when no webhook was set
   */
  async disableIncomingCallWebhook(
    phoneNumber: string,
    options: InkboxDisableIncomingCallWebhookOptions = {},
  ): Promise<boolean> {
    requirePhoneNumber(phoneNumber);
    const action = options.action ?? 'auto_reject';
    if (typeof action !== 'string' || action === '' || action === 'webhook') {
      throw new InkboxConfigurationError(
        `action must be what incoming calls do without the webhook, such as 'auto_reject' (got ${JSON.stringify(action)}).`,
      );
    }
    return this.http.retrying(`disableIncomingCallWebhook(${phoneNumber})`, 'idempotent', async () => {
      const number = await this.findPhoneNumber(phoneNumber);
      if (number.incoming_call_action !== 'webhook' && !number.incoming_call_webhook_url) return false;
      await this.http.send<InkboxPhoneNumber>({
        method: 'PATCH',
        path: phoneNumberPath(number.id),
        body: { incoming_call_action: action, incoming_call_webhook_url: null },
      });
      return true;
    });
  }

  // ------------------------------------------------------------ phone numbers and identities

  /** Every phone number of the organisation (`GET /api/v1/phone/numbers`). */
  async listPhoneNumbers(): Promise<InkboxPhoneNumber[]> {
    return this.http.request<InkboxPhoneNumber[]>({ method: 'GET', path: PHONE_NUMBERS_PATH, retry: 'idempotent' });
  }

  /** One agent identity by handle (`GET /api/v1/identities/{agent_handle}`); 404 when there is none. */
  async getAgentIdentity(agentHandle: string): Promise<InkboxAgentIdentity> {
    requireText(agentHandle, 'agentHandle');
    return this.http.request<InkboxAgentIdentity>({
      method: 'GET',
      path: identityPath(agentHandle),
      retry: 'idempotent',
    });
  }

  // ------------------------------------------------------------ mailboxes

  /** Every mailbox of the organisation, newest first (`GET /api/v1/mail/mailboxes`). */
  async listMailboxes(): Promise<InkboxMailbox[]> {
    return this.http.request<InkboxMailbox[]>({ method: 'GET', path: '/mail/mailboxes', retry: 'idempotent' });
  }

  /** One mailbox by address (`GET /api/v1/mail/mailboxes/{email_address}`); 404 when there is none. */
  async getMailbox(emailAddress: string): Promise<InkboxMailbox> {
    requireText(emailAddress, 'emailAddress');
    return this.http.request<InkboxMailbox>({ method: 'GET', path: mailboxPath(emailAddress), retry: 'idempotent' });
  }

  /** Changes the mailbox's filter mode (`PATCH /api/v1/mail/mailboxes/{email_address}`; admin-scoped key). */
  async updateMailbox(emailAddress: string, input: InkboxUpdateMailboxInput): Promise<InkboxMailbox> {
    requireText(emailAddress, 'emailAddress');
    return this.http.request<InkboxMailbox>({
      method: 'PATCH',
      path: mailboxPath(emailAddress),
      body: input,
      retry: 'idempotent',
    });
  }

  // ------------------------------------------------------------ subscriptions

  /** Subscriptions visible to the key, optionally filtered (`GET /api/v1/webhooks/subscriptions`). */
  async listSubscriptions(filter: InkboxListWebhookSubscriptionsFilter = {}): Promise<InkboxWebhookSubscription[]> {
    const page = await this.http.request<{ subscriptions: InkboxWebhookSubscription[] }>({
      method: 'GET',
      path: SUBSCRIPTIONS_PATH,
      query: { ...filter },
      retry: 'idempotent',
    });
    return page.subscriptions;
  }

  /** One subscription (`GET /api/v1/webhooks/subscriptions/{id}`); 404 once deleted. */
  async getSubscription(id: string): Promise<InkboxWebhookSubscription> {
    requireText(id, 'id');
    return this.http.request<InkboxWebhookSubscription>({
      method: 'GET',
      path: subscriptionPath(id),
      retry: 'idempotent',
    });
  }

  /**
   * Creates a subscription (`POST /api/v1/webhooks/subscriptions`). Checked first, as Inkbox checks it:
   * exactly one owner id, distinct event types of one channel that owner has, never `phone.incoming_call`,
   * no `context_config` on A2A (`InkboxConfigurationError`, nothing sent). Not repeated after a 5xx, a
   * timeout or a dropped answer (it might have been created); only after a 429 or a refused connection.
   * Prefer `setWebhookUrl`: it is safe to retry. `signing_key` is set when this create minted the owning
   * identity's first key (shown once). A 409 is the cap of 20 subscriptions per owner, and the error says so.
   */
  async createSubscription(input: InkboxCreateWebhookSubscriptionInput): Promise<InkboxCreatedWebhookSubscription> {
    checkSubscriptionInput(input);
    try {
      return await this.http.request<InkboxCreatedWebhookSubscription>({
        method: 'POST',
        path: SUBSCRIPTIONS_PATH,
        body: input,
        retry: 'unprocessed',
      });
    } catch (error) {
      throw explainSubscriptionCap(error);
    }
  }

  /**
   * Changes a subscription's URL, event types or context (`PATCH /api/v1/webhooks/subscriptions/{id}`).
   * New event types are checked first (distinct, one channel, never `phone.incoming_call`).
   */
  async updateSubscription(
    id: string,
    patch: InkboxUpdateWebhookSubscriptionInput,
  ): Promise<InkboxWebhookSubscription> {
    requireText(id, 'id');
    checkSubscriptionPatch(patch);
    return this.http.request<InkboxWebhookSubscription>({
      method: 'PATCH',
      path: subscriptionPath(id),
      body: patch,
      retry: 'idempotent',
    });
  }

  /**
   * Deletes a subscription (`DELETE /api/v1/webhooks/subscriptions/{id}`); deliveries stop at once.
   *
   * @returns true when this call deleted it (also when a retry finds it gone after an attempt whose answer
   *   was lost), false when it was already gone (404)
   */
  async deleteSubscription(id: string): Promise<boolean> {
    requireText(id, 'id');
    const call = { method: 'DELETE', path: subscriptionPath(id) } as const;
    let earlierAttemptMayHaveDeleted = false;
    return this.http.retrying(`DELETE /api/v1${call.path}`, 'idempotent', async () => {
      try {
        await this.http.send<unknown>(call);
        return true;
      } catch (error) {
        if (InkboxApiError.isInstance(error) && error.status === 404) return earlierAttemptMayHaveDeleted;
        earlierAttemptMayHaveDeleted ||= mayHaveBeenProcessed(error);
        throw error;
      }
    });
  }

  // ------------------------------------------------------------ signing keys

  /**
   * Creates or replaces the agent identity's webhook signing key
   * (`POST /api/v1/identities/{agent_handle}/signing-key`). The old key stops working at once; the new
   * plaintext is returned only here. Retried on transient failures: each attempt replaces the key, and the
   * key returned is the one in force.
   */
  async rotateSigningKey(agentHandle: string): Promise<InkboxSigningKey> {
    requireText(agentHandle, 'agentHandle');
    return this.http.request<InkboxSigningKey>({
      method: 'POST',
      path: signingKeyPath(agentHandle),
      body: {},
      retry: 'idempotent',
    });
  }

  /** Whether the agent identity has a signing key (`GET /api/v1/identities/{agent_handle}/signing-key`). */
  async getSigningKeyStatus(agentHandle: string): Promise<InkboxSigningKeyStatus> {
    requireText(agentHandle, 'agentHandle');
    return this.http.request<InkboxSigningKeyStatus>({
      method: 'GET',
      path: signingKeyPath(agentHandle),
      retry: 'idempotent',
    });
  }

  // ------------------------------------------------------------ delivery log

  /** One page of the delivery log, newest first (`GET /api/v1/webhooks/deliveries`); page with `limit`/`offset`. */
  async listDeliveries(filter: InkboxListWebhookDeliveriesFilter = {}): Promise<InkboxWebhookDelivery[]> {
    const page = await this.http.request<{ deliveries: InkboxWebhookDelivery[] }>({
      method: 'GET',
      path: DELIVERIES_PATH,
      query: { ...filter },
      retry: 'idempotent',
    });
    return page.deliveries;
  }

  /**
   * Sends a logged delivery again, to its subscription's current URL, with the same event id and a fresh
   * signature (`POST /api/v1/webhooks/deliveries/{id}/replay`). 409 when the subscription is gone or no
   * longer covers the event; 422 for incoming-call deliveries.
   *
   * @returns the new delivery row (`is_replay: true`)
   */
  async replayDelivery(deliveryId: string): Promise<InkboxWebhookDelivery> {
    requireText(deliveryId, 'deliveryId');
    return this.http.request<InkboxWebhookDelivery>({
      method: 'POST',
      path: `${DELIVERIES_PATH}/${encodeURIComponent(deliveryId)}/replay`,
      retry: 'unprocessed',
    });
  }

  /**
   * Recovery after an outage or a fix: pages through failed deliveries (`success=false`, newest first, down
   * to `since`) and replays each event once per subscription, using its newest failed attempt. Replays run
   * one at a time; a refused replay does not stop the others.
   *
   * @returns what was replayed, what could not be (with reasons), and what Inkbox marks as not replayable
   */
  async replayFailedDeliveries(
    filter: InkboxReplayFailedDeliveriesFilter = {},
  ): Promise<InkboxReplayFailedDeliveriesResult> {
    const candidates = await this.collectFailedDeliveries(filter);
    const result: InkboxReplayFailedDeliveriesResult = { replayed: [], failed: [], skipped: candidates.skipped };
    for (const delivery of candidates.replayable) {
      try {
        result.replayed.push({ delivery, replay: await this.replayDelivery(delivery.id) });
      } catch (error) {
        if (!InkboxApiError.isInstance(error) && !InkboxConnectionError.isInstance(error)) throw error;
        result.failed.push({ delivery, reason: error.message, error });
      }
    }
    this.logger.log(
      `replayFailedDeliveries: ${result.replayed.length} replayed, ${result.failed.length} failed, ${result.skipped.length} not replayable.`,
    );
    return result;
  }

  // ------------------------------------------------------------ internals

  /** Looks the owner up: the mailbox by address, the phone number by its E.164 number, the identity by handle (single attempts). */
  private async lookUpOwner(ref: InkboxWebhookOwnerRef): Promise<InkboxWebhookOwnerRecord> {
    if (ref.kind === 'mailbox') {
      const mailbox = await this.http.send<InkboxMailbox>({ method: 'GET', path: mailboxPath(ref.key) });
      return { kind: 'mailbox', id: mailbox.id, mailbox };
    }
    if (ref.kind === 'phoneNumber') {
      const phoneNumber = await this.findPhoneNumber(ref.key);
      return { kind: 'phoneNumber', id: phoneNumber.id, phoneNumber };
    }
    const identity = await this.http.send<InkboxAgentIdentity>({ method: 'GET', path: identityPath(ref.key) });
    return { kind: 'agentIdentity', id: identity.id, identity };
  }

  /** The organisation's phone number with this E.164 number (one attempt); `InkboxConfigurationError` when there is none. */
  private async findPhoneNumber(number: string): Promise<InkboxPhoneNumber> {
    const numbers = await this.http.send<InkboxPhoneNumber[]>({ method: 'GET', path: PHONE_NUMBERS_PATH });
    const found = numbers.find((candidate) => candidate.number === number);
    if (!found) {
      throw new InkboxConfigurationError(
        `the organisation has no phone number ${number} (GET /api/v1${PHONE_NUMBERS_PATH} lists ${numbers.length}); check the number and the API key's organisation.`,
      );
    }
    return found;
  }

  private async setMailboxWebhookField(
    emailAddress: string,
    url: string,
  ): Promise<InkboxSetWebhookUrlResult<'mailbox'>> {
    const mailbox = await this.patchMailboxWebhookField(emailAddress, url);
    return {
      ownerKind: 'mailbox',
      ownerId: mailbox.id,
      mailbox,
      subscription: null,
      subscriptions: [],
      removed: [],
      action: 'updated',
    };
  }

  private async clearMailboxWebhookField(emailAddress: string, url: string | undefined): Promise<number> {
    const mailbox = await this.getMailbox(emailAddress);
    const current = mailbox.webhook_url;
    if (current === null || (url !== undefined && current !== undefined && current !== url)) return 0;
    await this.patchMailboxWebhookField(emailAddress, null);
    return 1;
  }

  private async patchMailboxWebhookField(emailAddress: string, url: string | null): Promise<InkboxMailbox> {
    try {
      return await this.http.request<InkboxMailbox>({
        method: 'PATCH',
        path: mailboxPath(emailAddress),
        body: { webhook_url: url },
        retry: 'idempotent',
      });
    } catch (error) {
      if (InkboxApiError.isInstance(error) && error.status === 422) throw withHint(error, LEGACY_422_HINT);
      throw error;
    }
  }

  private async collectFailedDeliveries(filter: InkboxReplayFailedDeliveriesFilter): Promise<ReplayCandidates> {
    const since = parseSince(filter.since);
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const pageSize = Math.min(
      INKBOX_MAX_DELIVERY_PAGE_SIZE,
      Math.max(1, Math.floor(filter.pageSize ?? DEFAULT_REPLAY_PAGE_SIZE)),
    );
    const candidates: ReplayCandidates = { replayable: [], skipped: [] };
    const seen = new Set<string>();
    for (let offset = 0; candidates.replayable.length < limit; offset += pageSize) {
      const page = await this.listDeliveries({
        success: false,
        subscription_id: filter.subscriptionId,
        event_type: filter.eventType,
        limit: pageSize,
        offset,
      });
      for (const delivery of page) {
        if (since !== undefined && Date.parse(delivery.created_at) < since) return candidates;
        if (candidates.replayable.length >= limit) return candidates;
        addCandidate(candidates, seen, delivery);
      }
      if (page.length < pageSize) break;
    }
    return candidates;
  }
}

function resolveClientOptions(options: InkboxAdminClientOptions = {}): Required<InkboxAdminClientOptions> {
  return {
    retryBaseDelayMs: options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
    sleep: options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  };
}

function addCandidate(candidates: ReplayCandidates, seen: Set<string>, delivery: InkboxWebhookDelivery): void {
  const key = `${delivery.webhook_subscription_id ?? ''}\n${delivery.event_id || delivery.id}`;
  if (seen.has(key)) return;
  seen.add(key);
  if (delivery.webhook_subscription_id === null || delivery.replayable === false) {
    const reason =
      delivery.replay_unavailable_reason ??
      'Inkbox cannot replay this delivery (it has no subscription, e.g. an incoming-call delivery).';
    candidates.skipped.push({ delivery, reason });
    return;
  }
  candidates.replayable.push(delivery);
}

function mailboxPath(emailAddress: string): string {
  return `/mail/mailboxes/${encodeURIComponent(emailAddress)}`;
}

function phoneNumberPath(id: string): string {
  return `${PHONE_NUMBERS_PATH}/${encodeURIComponent(id)}`;
}

function identityPath(agentHandle: string): string {
  return `/identities/${encodeURIComponent(agentHandle)}`;
}

function signingKeyPath(agentHandle: string): string {
  return `/identities/${encodeURIComponent(agentHandle)}/signing-key`;
}

function requireText(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') throw new TypeError(`${name} must be a non-empty string.`);
}

function requireHttpUrl(value: unknown, name: string): asserts value is string {
  requireText(value, name);
  let protocol = '';
  try {
    protocol = new URL(value).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'https:' && protocol !== 'http:')
    throw new TypeError(`${name} must be an absolute http(s) URL (got "${value}").`);
}

/** Legacy mode knows only mailboxes. */
function requireLegacyMailbox(ref: InkboxWebhookOwnerRef): string {
  if (ref.kind !== 'mailbox') {
    throw new InkboxConfigurationError(
      "webhookApi: 'mailbox-field' only sets mailbox webhooks; phone numbers and agent identities need the default webhookApi: 'subscriptions'.",
    );
  }
  return ref.key;
}

/** Adds the owner to a reconcile outcome. */
function withOwner(
  record: InkboxWebhookOwnerRecord,
  outcome: Awaited<ReturnType<InkboxSubscriptionReconciler['apply']>>,
): InkboxSetWebhookUrlResult {
  const common = { ownerId: record.id, ...outcome };
  if (record.kind === 'mailbox') return { ownerKind: 'mailbox', mailbox: record.mailbox, ...common };
  if (record.kind === 'phoneNumber') return { ownerKind: 'phoneNumber', phoneNumber: record.phoneNumber, ...common };
  return { ownerKind: 'agentIdentity', identity: record.identity, ...common };
}

const OWNER_FIELD_KINDS = Object.entries(INKBOX_OWNER_ID_FIELDS).map(
  ([kind, field]) => [field, kind as InkboxWebhookOwnerKind] as const,
);

/** The checks Inkbox applies to a new subscription, before it is sent. */
function checkSubscriptionInput(input: InkboxCreateWebhookSubscriptionInput): void {
  const fields = input as unknown as Record<string, unknown>;
  const owners = OWNER_FIELD_KINDS.filter(([field]) => fields[field] !== undefined && fields[field] !== null);
  if (owners.length !== 1 || owners.some(([field]) => typeof fields[field] !== 'string' || fields[field] === '')) {
    throw new InkboxConfigurationError(
      'a subscription needs exactly one owner: mailbox_id, phone_number_id or agent_identity_id.',
    );
  }
  requireHttpUrl(input.url, 'url');
  const problem = eventTypesProblem(input.event_types, {
    owner: owners[0]![1],
    singleChannel: true,
    name: 'event_types',
  });
  if (problem) throw new InkboxConfigurationError(problem);
  checkContext(input.context_config, input.event_types);
}

/** The checks Inkbox applies to a subscription change, before it is sent. */
function checkSubscriptionPatch(patch: InkboxUpdateWebhookSubscriptionInput): void {
  if (patch.url !== undefined) requireHttpUrl(patch.url, 'url');
  if (patch.event_types !== undefined) {
    const problem = eventTypesProblem(patch.event_types, { singleChannel: true, name: 'event_types' });
    if (problem) throw new InkboxConfigurationError(problem);
  }
  checkContext(patch.context_config, patch.event_types);
}

function checkContext(config: unknown, eventTypes: readonly string[] | undefined): void {
  if (config === undefined || config === null) return;
  const problem = contextConfigProblem(config, 'context_config');
  if (problem) throw new InkboxConfigurationError(problem);
  if (eventTypes?.some((type) => type.startsWith('a2a.')))
    throw new InkboxConfigurationError('context_config is not supported on A2A subscriptions.');
}

function parseSince(since: Date | string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const time = since instanceof Date ? since.getTime() : Date.parse(since);
  if (Number.isNaN(time)) throw new TypeError(`since must be a Date or an ISO-8601 time (got "${String(since)}").`);
  return time;
}
