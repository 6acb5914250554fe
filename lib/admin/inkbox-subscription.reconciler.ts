import type {
  InkboxCreatedWebhookSubscription,
  InkboxSetWebhookUrlAction,
  InkboxSetWebhookUrlOutcome,
  InkboxWebhookContextConfig,
  InkboxWebhookSubscription,
} from './admin.types.js';
import { InkboxApiError } from './inkbox-api.error.js';
import type { InkboxHttpClient } from './inkbox-http.client.js';
import { mayHaveBeenProcessed } from './inkbox-retry.policy.js';
import { INKBOX_OWNER_ID_FIELDS, channelOf, type InkboxWebhookChannel } from './inkbox-webhook-channels.js';
import type { InkboxWebhookOwnerRecord, InkboxWebhookPlan } from './inkbox-webhook-owner.js';

/** Path of the subscriptions collection, below `/api/v1`. */
export const SUBSCRIPTIONS_PATH = '/webhooks/subscriptions';

/** What a whole-operation retry of `setWebhookUrl` remembers between attempts. */
export interface InkboxReconcileState {
  /** An earlier attempt's create may have succeeded although its answer was lost. */
  createMayHaveSucceeded: boolean;
  /** A signing key minted by a create of an earlier attempt (kept so a later failure does not lose it). */
  signingKey?: string;
}

/** The owner-independent part of a `setWebhookUrl` result. */
export type InkboxReconcileOutcome = Omit<InkboxSetWebhookUrlOutcome, 'ownerKind' | 'ownerId'>;

const CAP_HINT =
  'Inkbox refuses a new subscription with 409 when the owner already has 20 active subscriptions, its limit: ' +
  'delete unused ones (listSubscriptions with the owner filter, then deleteSubscription or disableWebhook) and try again.';

/**
 * One attempt of `setWebhookUrl` on the subscriptions API: finds the owner's subscriptions to the URL by
 * the owner's own field, keeps one per requested channel (created, updated or left alone) and deletes
 * those of channels no longer requested. Sends single attempts; the caller retries the whole operation.
 */
export class InkboxSubscriptionReconciler {
  constructor(private readonly http: InkboxHttpClient) {}

  /** Brings the owner's subscriptions to `url` in line with `plan`. */
  async apply(
    owner: InkboxWebhookOwnerRecord,
    url: string,
    plan: InkboxWebhookPlan,
    state: InkboxReconcileState,
  ): Promise<InkboxReconcileOutcome> {
    const existing = await this.findSubscriptions(owner, url);
    const subscriptions: InkboxWebhookSubscription[] = [];
    const actions: InkboxSetWebhookUrlAction[] = [];
    for (const [channel, eventTypes] of plan.channels) {
      const context = channel.carriesContext ? plan.contextConfig : undefined;
      const current = existing.find((row) => channelOf(row.event_types[0] ?? '') === channel);
      const step = current
        ? await this.reconcile(current, eventTypes, context)
        : await this.create(owner, url, eventTypes, context, state);
      subscriptions.push(step.subscription);
      actions.push(step.action);
    }
    const removed = existing.filter((row) => isOtherKnownChannel(row, plan.channels));
    for (const row of removed) await this.remove(row);
    if (removed.length > 0) actions.push('updated');
    const lost = state.createMayHaveSucceeded && !state.signingKey ? { signingKeyMayBeLost: true } : {};
    return {
      subscription: subscriptions[0] ?? null,
      subscriptions,
      removed,
      action: overallAction(actions),
      ...(state.signingKey ? { signingKey: state.signingKey } : {}),
      ...lost,
    };
  }

  /** The owner's active subscriptions to exactly `url`, oldest first, matched on the owner's own id field. */
  private async findSubscriptions(owner: InkboxWebhookOwnerRecord, url: string): Promise<InkboxWebhookSubscription[]> {
    const field = INKBOX_OWNER_ID_FIELDS[owner.kind];
    const page = await this.http.send<{ subscriptions: InkboxWebhookSubscription[] }>({
      method: 'GET',
      path: SUBSCRIPTIONS_PATH,
      query: { [field]: owner.id, url },
    });
    return page.subscriptions
      .filter((row) => row[field] === owner.id && row.url === url)
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  private async reconcile(
    existing: InkboxWebhookSubscription,
    eventTypes: string[],
    contextConfig: InkboxWebhookContextConfig | null | undefined,
  ): Promise<{ subscription: InkboxWebhookSubscription; action: InkboxSetWebhookUrlAction }> {
    const sameContext = contextConfig === undefined || sameContextConfig(existing.context_config, contextConfig);
    if (sameContext && sameMembers(existing.event_types, eventTypes))
      return { subscription: existing, action: 'unchanged' };
    const subscription = await this.http.send<InkboxWebhookSubscription>({
      method: 'PATCH',
      path: subscriptionPath(existing.id),
      body: { event_types: eventTypes, ...(contextConfig !== undefined ? { context_config: contextConfig } : {}) },
    });
    return { subscription, action: 'updated' };
  }

  private async create(
    owner: InkboxWebhookOwnerRecord,
    url: string,
    eventTypes: string[],
    contextConfig: InkboxWebhookContextConfig | null | undefined,
    state: InkboxReconcileState,
  ): Promise<{ subscription: InkboxWebhookSubscription; action: InkboxSetWebhookUrlAction }> {
    let created: InkboxCreatedWebhookSubscription;
    try {
      created = await this.http.send<InkboxCreatedWebhookSubscription>({
        method: 'POST',
        path: SUBSCRIPTIONS_PATH,
        body: {
          [INKBOX_OWNER_ID_FIELDS[owner.kind]]: owner.id,
          url,
          event_types: eventTypes,
          ...(contextConfig ? { context_config: contextConfig } : {}),
        },
      });
    } catch (error) {
      state.createMayHaveSucceeded ||= mayHaveBeenProcessed(error);
      throw explainSubscriptionCap(error);
    }
    const { signing_key: signingKey, ...subscription } = created;
    if (signingKey) state.signingKey = signingKey;
    return { subscription, action: 'created' };
  }

  private async remove(row: InkboxWebhookSubscription): Promise<void> {
    try {
      await this.http.send<unknown>({ method: 'DELETE', path: subscriptionPath(row.id) });
    } catch (error) {
      if (!(InkboxApiError.isInstance(error) && error.status === 404)) throw error;
    }
  }
}

/** A 409 on a subscription create, reworded as the per-owner cap it almost always is; other errors unchanged. */
export function explainSubscriptionCap(error: unknown): unknown {
  if (!InkboxApiError.isInstance(error) || error.status !== 409 || error.method !== 'POST') return error;
  return withHint(error, CAP_HINT);
}

/** A copy of `error` with a hint appended to its message. */
export function withHint(error: InkboxApiError, hint: string): InkboxApiError {
  const hinted = new InkboxApiError({
    status: error.status,
    detail: error.detail,
    method: error.method,
    path: error.path,
    retryAfterMs: error.retryAfterMs,
    hint,
  });
  hinted.attempts = error.attempts;
  return hinted;
}

/** Path of one subscription. */
export function subscriptionPath(id: string): string {
  return `${SUBSCRIPTIONS_PATH}/${encodeURIComponent(id)}`;
}

function isOtherKnownChannel(
  row: InkboxWebhookSubscription,
  wanted: ReadonlyMap<InkboxWebhookChannel, string[]>,
): boolean {
  const channel = channelOf(row.event_types[0] ?? '');
  return channel !== undefined && !wanted.has(channel);
}

function overallAction(actions: readonly InkboxSetWebhookUrlAction[]): InkboxSetWebhookUrlAction {
  if (actions.includes('updated')) return 'updated';
  return actions.includes('created') ? 'created' : 'unchanged';
}

/** True when both lists hold the same event types, whatever their order (compared as sets). */
export function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** True when two context settings configure the same classes the same way (absent and null classes alike). */
function sameContextConfig(
  current: InkboxWebhookContextConfig | null | undefined,
  wanted: InkboxWebhookContextConfig | null,
): boolean {
  return canonicalContext(current) === canonicalContext(wanted);
}

function canonicalContext(config: InkboxWebhookContextConfig | null | undefined): string {
  const entries = Object.entries(config ?? {}).filter(([, value]) => value !== null && value !== undefined);
  return entries
    .map(([klass, raw]) => {
      const value = raw as { mode?: unknown; count?: unknown; hours?: unknown };
      return `${klass}:${String(value.mode)}:${String('count' in value ? value.count : value.hours)}`;
    })
    .sort()
    .join('|');
}
