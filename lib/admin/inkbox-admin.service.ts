import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { INKBOX_EVENT_TYPES } from '../events/inkbox-event-types.js';
import { INKBOX_RESOLVED_OPTIONS } from '../inkbox.constants.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
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
  InkboxCreateWebhookSubscriptionInput,
  InkboxCreatedWebhookSubscription,
  InkboxListWebhookDeliveriesFilter,
  InkboxListWebhookSubscriptionsFilter,
  InkboxMailbox,
  InkboxReplayFailedDeliveriesFilter,
  InkboxReplayFailedDeliveriesResult,
  InkboxSetWebhookUrlOptions,
  InkboxSetWebhookUrlResult,
  InkboxSigningKey,
  InkboxSigningKeyStatus,
  InkboxUpdateMailboxInput,
  InkboxUpdateWebhookSubscriptionInput,
  InkboxWebhookContextConfig,
  InkboxWebhookDelivery,
  InkboxWebhookSubscription,
} from './admin.types.js';
import { InkboxApiError, InkboxConnectionError } from '../errors.js';
import { InkboxHttpClient } from './inkbox-http.client.js';
import { mayHaveBeenProcessed } from './inkbox-retry.policy.js';

const SUBSCRIPTIONS_PATH = '/webhooks/subscriptions';
const DELIVERIES_PATH = '/webhooks/deliveries';

const LEGACY_422_HINT =
  "This Inkbox server no longer accepts webhook_url on mailboxes: remove webhookApi: 'mailbox-field' from the module options (the default, webhookApi: 'subscriptions', uses webhook subscriptions).";

/** What a whole-operation retry of `setWebhookUrl` remembers between attempts. */
interface SetWebhookUrlState {
  /** An earlier attempt's create may have succeeded although its answer was lost. */
  createMayHaveSucceeded: boolean;
}

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
  }

  // ------------------------------------------------------------ webhook URL

  /**
   * Makes Inkbox deliver the mailbox's mail events to `url`. Idempotent: the mailbox's subscription to
   * `url` is created, or its event types updated, or left as it is; calling it again never adds a second
   * one. A transient failure (429, 5xx, network) retries the whole operation (look up again, then update
   * or create), so a create whose answer was lost does not leave two subscriptions.
   *
   * With `webhookApi: 'mailbox-field'` (legacy deployments) it sets the mailbox's `webhook_url` instead.
   *
   * @param emailAddress the mailbox address, e.g. `support@yourco.inkbox.ai`
   * @param url the public HTTPS URL of your webhook endpoint
   * @returns the mailbox, the subscription, what was done, and a signing key if this call minted one
   *   (shown once: store it; it is never logged)
   */
  async setWebhookUrl(emailAddress: string, url: string, options: InkboxSetWebhookUrlOptions = {}): Promise<InkboxSetWebhookUrlResult> {
    requireText(emailAddress, 'emailAddress');
    requireHttpUrl(url, 'url');
    if (this.webhookApi === 'mailbox-field') return this.setMailboxWebhookField(emailAddress, url);
    const eventTypes = normalizeEventTypes(options.eventTypes);
    const state: SetWebhookUrlState = { createMayHaveSucceeded: false };
    const result = await this.http.retrying(`setWebhookUrl(${emailAddress})`, 'idempotent', () =>
      this.applyWebhookSubscription(emailAddress, url, eventTypes, options.contextConfig, state),
    );
    this.logger.debug(`setWebhookUrl(${emailAddress}): subscription ${result.subscription?.id ?? '?'} ${result.action}.`);
    return result;
  }

  /**
   * Stops deliveries of the mailbox's events to `url`, or to every URL when `url` is omitted, by deleting
   * its subscriptions (legacy mode: clearing `webhook_url`). Idempotent: nothing to remove is not an error.
   *
   * @returns the number of subscriptions (or legacy URLs) this call removed
   */
  async disableWebhook(emailAddress: string, url?: string): Promise<number> {
    requireText(emailAddress, 'emailAddress');
    if (url !== undefined) requireHttpUrl(url, 'url');
    if (this.webhookApi === 'mailbox-field') return this.clearMailboxWebhookField(emailAddress, url);
    const mailbox = await this.getMailbox(emailAddress);
    const subscriptions = await this.listSubscriptions({ mailbox_id: mailbox.id, url });
    let removed = 0;
    for (const subscription of subscriptions.filter((s) => s.mailbox_id === mailbox.id && (url === undefined || s.url === url))) {
      if (await this.deleteSubscription(subscription.id)) removed++;
    }
    return removed;
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
    return this.http.request<InkboxMailbox>({ method: 'PATCH', path: mailboxPath(emailAddress), body: input, retry: 'idempotent' });
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
    return this.http.request<InkboxWebhookSubscription>({ method: 'GET', path: subscriptionPath(id), retry: 'idempotent' });
  }

  /**
   * Creates a subscription (`POST /api/v1/webhooks/subscriptions`). Not repeated after a 5xx, a timeout or
   * a dropped answer (it might have been created); only after a 429 or a refused connection. Prefer
   * `setWebhookUrl` for mailboxes: it is safe to retry. `signing_key` is set when this create minted the
   * owning identity's first key (shown once).
   */
  async createSubscription(input: InkboxCreateWebhookSubscriptionInput): Promise<InkboxCreatedWebhookSubscription> {
    return this.http.request<InkboxCreatedWebhookSubscription>({ method: 'POST', path: SUBSCRIPTIONS_PATH, body: input, retry: 'unprocessed' });
  }

  /** Changes a subscription's URL, event types or context (`PATCH /api/v1/webhooks/subscriptions/{id}`). */
  async updateSubscription(id: string, patch: InkboxUpdateWebhookSubscriptionInput): Promise<InkboxWebhookSubscription> {
    requireText(id, 'id');
    return this.http.request<InkboxWebhookSubscription>({ method: 'PATCH', path: subscriptionPath(id), body: patch, retry: 'idempotent' });
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
    return this.http.request<InkboxSigningKey>({ method: 'POST', path: signingKeyPath(agentHandle), body: {}, retry: 'idempotent' });
  }

  /** Whether the agent identity has a signing key (`GET /api/v1/identities/{agent_handle}/signing-key`). */
  async getSigningKeyStatus(agentHandle: string): Promise<InkboxSigningKeyStatus> {
    requireText(agentHandle, 'agentHandle');
    return this.http.request<InkboxSigningKeyStatus>({ method: 'GET', path: signingKeyPath(agentHandle), retry: 'idempotent' });
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
    return this.http.request<InkboxWebhookDelivery>({ method: 'POST', path: `${DELIVERIES_PATH}/${encodeURIComponent(deliveryId)}/replay`, retry: 'unprocessed' });
  }

  /**
   * Recovery after an outage or a fix: pages through failed deliveries (`success=false`, newest first, down
   * to `since`) and replays each event once per subscription, using its newest failed attempt. Replays run
   * one at a time; a refused replay does not stop the others.
   *
   * @returns what was replayed, what could not be (with reasons), and what Inkbox marks as not replayable
   */
  async replayFailedDeliveries(filter: InkboxReplayFailedDeliveriesFilter = {}): Promise<InkboxReplayFailedDeliveriesResult> {
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
    this.logger.log(`replayFailedDeliveries: ${result.replayed.length} replayed, ${result.failed.length} failed, ${result.skipped.length} not replayable.`);
    return result;
  }

  // ------------------------------------------------------------ internals

  private async applyWebhookSubscription(
    emailAddress: string,
    url: string,
    eventTypes: string[],
    contextConfig: InkboxWebhookContextConfig | null | undefined,
    state: SetWebhookUrlState,
  ): Promise<InkboxSetWebhookUrlResult> {
    const mailbox = await this.http.send<InkboxMailbox>({ method: 'GET', path: mailboxPath(emailAddress) });
    const existing = await this.findSubscription(mailbox.id, url);
    if (existing) return this.reconcileSubscription(mailbox, existing, eventTypes, contextConfig, state);
    const created = await this.createMailboxSubscription(mailbox.id, url, eventTypes, contextConfig, state);
    const { signing_key: signingKey, ...subscription } = created;
    return { mailbox, subscription, action: 'created', ...(signingKey ? { signingKey } : {}) };
  }

  private async createMailboxSubscription(
    mailboxId: string,
    url: string,
    eventTypes: string[],
    contextConfig: InkboxWebhookContextConfig | null | undefined,
    state: SetWebhookUrlState,
  ): Promise<InkboxCreatedWebhookSubscription> {
    try {
      return await this.http.send<InkboxCreatedWebhookSubscription>({
        method: 'POST',
        path: SUBSCRIPTIONS_PATH,
        body: { mailbox_id: mailboxId, url, event_types: eventTypes, ...(contextConfig ? { context_config: contextConfig } : {}) },
      });
    } catch (error) {
      state.createMayHaveSucceeded ||= mayHaveBeenProcessed(error);
      throw error;
    }
  }

  private async findSubscription(mailboxId: string, url: string): Promise<InkboxWebhookSubscription | undefined> {
    const page = await this.http.send<{ subscriptions: InkboxWebhookSubscription[] }>({
      method: 'GET',
      path: SUBSCRIPTIONS_PATH,
      query: { mailbox_id: mailboxId, url },
    });
    return page.subscriptions
      .filter((s) => s.mailbox_id === mailboxId && s.url === url)
      .sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
  }

  private async reconcileSubscription(
    mailbox: InkboxMailbox,
    existing: InkboxWebhookSubscription,
    eventTypes: string[],
    contextConfig: InkboxWebhookContextConfig | null | undefined,
    state: SetWebhookUrlState,
  ): Promise<InkboxSetWebhookUrlResult> {
    const lost = state.createMayHaveSucceeded ? { signingKeyMayBeLost: true } : {};
    if (contextConfig === undefined && sameMembers(existing.event_types, eventTypes)) {
      return { mailbox, subscription: existing, action: 'unchanged', ...lost };
    }
    const subscription = await this.http.send<InkboxWebhookSubscription>({
      method: 'PATCH',
      path: subscriptionPath(existing.id),
      body: { event_types: eventTypes, ...(contextConfig !== undefined ? { context_config: contextConfig } : {}) },
    });
    return { mailbox, subscription, action: 'updated', ...lost };
  }

  private async setMailboxWebhookField(emailAddress: string, url: string): Promise<InkboxSetWebhookUrlResult> {
    const mailbox = await this.patchMailboxWebhookField(emailAddress, url);
    return { mailbox, subscription: null, action: 'updated' };
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
      return await this.http.request<InkboxMailbox>({ method: 'PATCH', path: mailboxPath(emailAddress), body: { webhook_url: url }, retry: 'idempotent' });
    } catch (error) {
      if (InkboxApiError.isInstance(error) && error.status === 422) throw withHint(error, LEGACY_422_HINT);
      throw error;
    }
  }

  private async collectFailedDeliveries(filter: InkboxReplayFailedDeliveriesFilter): Promise<ReplayCandidates> {
    const since = parseSince(filter.since);
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const pageSize = Math.min(INKBOX_MAX_DELIVERY_PAGE_SIZE, Math.max(1, Math.floor(filter.pageSize ?? DEFAULT_REPLAY_PAGE_SIZE)));
    const candidates: ReplayCandidates = { replayable: [], skipped: [] };
    const seen = new Set<string>();
    for (let offset = 0; candidates.replayable.length < limit; offset += pageSize) {
      const page = await this.listDeliveries({ success: false, subscription_id: filter.subscriptionId, event_type: filter.eventType, limit: pageSize, offset });
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
    const reason = delivery.replay_unavailable_reason ?? 'Inkbox cannot replay this delivery (it has no subscription, e.g. an incoming-call delivery).';
    candidates.skipped.push({ delivery, reason });
    return;
  }
  candidates.replayable.push(delivery);
}

function withHint(error: InkboxApiError, hint: string): InkboxApiError {
  const hinted = new InkboxApiError({ status: error.status, detail: error.detail, method: error.method, path: error.path, retryAfterMs: error.retryAfterMs, hint });
  hinted.attempts = error.attempts;
  return hinted;
}

function mailboxPath(emailAddress: string): string {
  return `/mail/mailboxes/${encodeURIComponent(emailAddress)}`;
}

function subscriptionPath(id: string): string {
  return `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(id)}`;
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
  if (protocol !== 'https:' && protocol !== 'http:') throw new TypeError(`${name} must be an absolute http(s) URL (got "${value}").`);
}

function normalizeEventTypes(eventTypes: readonly string[] | undefined): string[] {
  if (eventTypes === undefined) return INKBOX_EVENT_TYPES.filter((type) => type.startsWith('message.'));
  const distinct = [...new Set(eventTypes)];
  if (distinct.length === 0 || distinct.some((type) => typeof type !== 'string' || type === '')) {
    throw new TypeError('eventTypes must be a non-empty list of event types such as "message.received".');
  }
  return distinct;
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

function parseSince(since: Date | string | undefined): number | undefined {
  if (since === undefined) return undefined;
  const time = since instanceof Date ? since.getTime() : Date.parse(since);
  if (Number.isNaN(time)) throw new TypeError(`since must be a Date or an ISO-8601 time (got "${String(since)}").`);
  return time;
}
