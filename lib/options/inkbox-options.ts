import {
  DEFAULT_API_BASE_URL,
  DEFAULT_API_MAX_ATTEMPTS,
  DEFAULT_API_TIMEOUT_MS,
  DEFAULT_IDEMPOTENCY_LEASE_MS,
  DEFAULT_IDEMPOTENCY_MAX_BYTES,
  DEFAULT_IDEMPOTENCY_MAX_ENTRIES,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_INCOMING_CALL_PATH,
  DEFAULT_INCOMING_CALL_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TOLERANCE_SECONDS,
  DEFAULT_WEBHOOK_PATH,
} from '../inkbox.constants.js';
import { normalizeInkboxSigningKey } from '../signature/inkbox-signature.js';
import {
  INKBOX_WEBHOOK_CHANNELS,
  channelOf,
  eventTypesProblem,
  isE164,
  type InkboxWebhookOwnerKind,
} from '../admin/inkbox-webhook-channels.js';
import { InkboxConfigurationError } from '../errors.js';
import type {
  InkboxKeyContext,
  InkboxModuleOptions,
  InkboxRegisterWebhooksOptions,
  ResolvedInkboxOptions,
  ResolvedInkboxRegisterWebhooks,
} from './inkbox-module-options.interface.js';
import type { InkboxRole } from './inkbox-delivery-options.interface.js';
import { idempotencyForDelivery, resolveInkboxDelivery } from './resolve-delivery-options.js';
import { INKBOX_MESSAGES } from '../messages.js';

export { InkboxConfigurationError };

function cleanKeys(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  const keys: string[] = [];
  for (const key of list) {
    if (typeof key !== 'string' || normalizeInkboxSigningKey(key) === '') {
      const empty =
        typeof key === 'string' && key !== ''
          ? 'a string that is empty once whitespace and the whsec_ prefix are removed'
          : describe(key);
      throw new InkboxConfigurationError(`${where} must be a non-empty string or a list of them (got ${empty}).`);
    }
    keys.push(key.trim());
  }
  if (keys.length === 0) throw new InkboxConfigurationError(`${where} must hold at least one key.`);
  return keys;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'a string';
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

function positiveNumber(value: unknown, name: string, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || !Number.isInteger(value)) {
    throw new InkboxConfigurationError(
      `${name} must be a whole number of ${min} or more (got ${describe(value)} ${JSON.stringify(value) ?? 'undefined'}).`,
    );
  }
  return value;
}

function handlerErrorHook(value: unknown): ResolvedInkboxOptions['onHandlerError'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function')
    throw new InkboxConfigurationError(
      'onHandlerError, when given, must be a function ({ error, event, delivery, handler }) => void.',
    );
  return value as ResolvedInkboxOptions['onHandlerError'];
}

/** Normalises a webhook path: no leading or trailing slash. */
export function normalizeWebhookPath(
  path: string | undefined,
  option: 'webhookPath' | 'incomingCallPath' = 'webhookPath',
): string {
  const fallback = option === 'webhookPath' ? DEFAULT_WEBHOOK_PATH : DEFAULT_INCOMING_CALL_PATH;
  const value = path ?? fallback;
  if (typeof value !== 'string' || value.replace(/^\/+|\/+$/g, '') === '') {
    throw new InkboxConfigurationError(`${option} must be a non-empty path such as "${fallback}".`);
  }
  return value.replace(/^\/+|\/+$/g, '');
}

/** Checks the `role` extra (default `'all'`, set in the module definition's extras). */
export function normalizeInkboxRole(role: unknown): InkboxRole {
  if (role === 'all' || role === 'receiver' || role === 'worker') return role;
  throw new InkboxConfigurationError(`role must be 'all' (default), 'receiver' or 'worker' (got ${describe(role)}).`);
}

/** The keys of a delivery: a fixed list (checked once) or the user's resolver (checked per call). */
function resolveSigningKeys(
  signingKey: InkboxModuleOptions['signingKey'] | undefined,
): ResolvedInkboxOptions['resolveKeys'] {
  if (signingKey === undefined || signingKey === null || signingKey === '') {
    throw new InkboxConfigurationError(INKBOX_MESSAGES.signingKeyRequired);
  }
  if (typeof signingKey === 'function') {
    return async (context: InkboxKeyContext) => {
      const value = await signingKey(context);
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return [];
      return cleanKeys(value, 'the signingKey resolver');
    };
  }
  const keys = cleanKeys(signingKey, 'signingKey');
  return () => keys;
}

/** The admin client's base URL (no trailing slash) and webhook API, after checking the API key. */
function resolveApiClient(options: InkboxModuleOptions): Pick<ResolvedInkboxOptions, 'apiBaseUrl' | 'webhookApi'> {
  const apiBaseUrl = options.apiBaseUrl ?? DEFAULT_API_BASE_URL;
  try {
    const url = new URL(apiBaseUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
  } catch {
    throw new InkboxConfigurationError(`apiBaseUrl must be an absolute http(s) URL such as ${DEFAULT_API_BASE_URL}.`);
  }
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey.trim() === '')) {
    throw new InkboxConfigurationError('apiKey, when given, must be a non-empty string.');
  }
  const webhookApi = options.webhookApi ?? 'subscriptions';
  if (webhookApi !== 'subscriptions' && webhookApi !== 'mailbox-field') {
    throw new InkboxConfigurationError(`webhookApi must be 'subscriptions' (default) or 'mailbox-field'.`);
  }
  return { apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''), webhookApi };
}

/** The exactly-once layer with its defaults, or `false` when it is turned off. */
function resolveIdempotency(option: InkboxModuleOptions['idempotency']): ResolvedInkboxOptions['idempotency'] {
  if (option === false) return false;
  const idem = option ?? {};
  const store = idem.store ?? 'memory';
  if (store !== 'memory' && store !== 'redis' && (typeof store !== 'object' || typeof store.claim !== 'function')) {
    throw new InkboxConfigurationError(
      `idempotency.store must be 'memory', 'redis' or an object implementing InkboxIdempotencyStore.`,
    );
  }
  if (store === 'redis' && !idem.redis?.client && !idem.redis?.url) {
    throw new InkboxConfigurationError(
      `idempotency.store 'redis' needs idempotency.redis.client (an ioredis instance) or idempotency.redis.url.`,
    );
  }
  const onStoreError = idem.onStoreError ?? 'closed';
  if (onStoreError !== 'closed' && onStoreError !== 'open') {
    throw new InkboxConfigurationError(`idempotency.onStoreError must be 'closed' (default: answer 503) or 'open'.`);
  }
  return {
    store,
    redis: idem.redis,
    ttlMs: positiveNumber(idem.ttlMs, 'idempotency.ttlMs', DEFAULT_IDEMPOTENCY_TTL_MS, 1),
    leaseMs: positiveNumber(idem.leaseMs, 'idempotency.leaseMs', DEFAULT_IDEMPOTENCY_LEASE_MS, 1),
    maxEntries: positiveNumber(idem.maxEntries, 'idempotency.maxEntries', DEFAULT_IDEMPOTENCY_MAX_ENTRIES, 1),
    maxBytes: positiveNumber(idem.maxBytes, 'idempotency.maxBytes', DEFAULT_IDEMPOTENCY_MAX_BYTES, 1),
    onStoreError,
  };
}

/** Validates the user's options and applies every default, in this one place. */
export function resolveInkboxOptions(options: InkboxModuleOptions | undefined | null): ResolvedInkboxOptions {
  if (!options || typeof options !== 'object') {
    throw new InkboxConfigurationError(INKBOX_MESSAGES.optionsMissing);
  }
  const extra = options as InkboxModuleOptions & {
    webhookPath?: unknown;
    incomingCallPath?: unknown;
    version?: unknown;
    role?: unknown;
  };
  if (
    extra.webhookPath !== undefined ||
    extra.incomingCallPath !== undefined ||
    extra.version !== undefined ||
    extra.role !== undefined
  ) {
    throw new InkboxConfigurationError(INKBOX_MESSAGES.routeOptionsInFactory);
  }
  const { signingKey } = options;
  const resolveKeys = resolveSigningKeys(signingKey);
  const { apiBaseUrl, webhookApi } = resolveApiClient(options);
  const register =
    options.registerWebhooks === undefined ? undefined : resolveRegisterWebhooks(options.registerWebhooks);

  const delivery = resolveInkboxDelivery(options.delivery);
  const idempotencyOption = idempotencyForDelivery(options.idempotency, delivery);
  const idempotency = resolveIdempotency(idempotencyOption);
  return {
    resolveKeys,
    dynamicKeys: typeof signingKey === 'function',
    toleranceSeconds: positiveNumber(options.toleranceSeconds, 'toleranceSeconds', DEFAULT_TOLERANCE_SECONDS),
    maxBodyBytes: positiveNumber(options.maxBodyBytes, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES, 1),
    apiKey: options.apiKey,
    apiBaseUrl,
    apiTimeoutMs: positiveNumber(options.apiTimeoutMs, 'apiTimeoutMs', DEFAULT_API_TIMEOUT_MS, 1),
    apiMaxAttempts: positiveNumber(options.apiMaxAttempts, 'apiMaxAttempts', DEFAULT_API_MAX_ATTEMPTS, 1),
    webhookApi,
    registerWebhooks: register,
    idempotency,
    emitEvents: options.emitEvents === true,
    incomingCall: {
      timeoutMs: positiveNumber(
        options.incomingCall?.timeoutMs,
        'incomingCall.timeoutMs',
        DEFAULT_INCOMING_CALL_TIMEOUT_MS,
        1,
      ),
    },
    onHandlerError: handlerErrorHook(options.onHandlerError),
    delivery,
  };
}

const REGISTER_LISTS = [
  { name: 'mailboxes', owner: 'mailbox', what: 'mailbox addresses' },
  { name: 'phoneNumbers', owner: 'phoneNumber', what: 'phone numbers in E.164 form, such as +15551230000' },
  { name: 'agentHandles', owner: 'agentIdentity', what: 'agent handles' },
  { name: 'incomingCalls', owner: undefined, what: 'phone numbers in E.164 form, such as +15551230000' },
] as const satisfies ReadonlyArray<{
  name: keyof InkboxRegisterWebhooksOptions;
  owner: InkboxWebhookOwnerKind | undefined;
  what: string;
}>;

/** Checks `registerWebhooks` (lists of owners, event types each listed owner can take) and fills in empty lists. */
function resolveRegisterWebhooks(register: InkboxRegisterWebhooksOptions): ResolvedInkboxRegisterWebhooks {
  if (!register || typeof register.publicUrl !== 'string' || !/^https?:\/\//.test(register.publicUrl)) {
    throw new InkboxConfigurationError('registerWebhooks.publicUrl must be the public http(s) base URL of this app.');
  }
  if (register.eventTypes !== undefined) {
    const problem = eventTypesProblem(register.eventTypes, { name: 'registerWebhooks.eventTypes' });
    if (problem) throw new InkboxConfigurationError(problem);
  }
  const lists = {} as Record<(typeof REGISTER_LISTS)[number]['name'], readonly string[]>;
  for (const { name, owner, what } of REGISTER_LISTS) {
    const list: unknown = register[name] ?? [];
    const phone = name === 'phoneNumbers' || name === 'incomingCalls';
    if (
      !Array.isArray(list) ||
      list.some((item) => typeof item !== 'string' || item.trim() === '' || (phone && !isE164(item)))
    ) {
      throw new InkboxConfigurationError(`registerWebhooks.${name} must be a list of ${what}.`);
    }
    lists[name] = [...(list as string[])];
    const eventTypes = register.eventTypes;
    if (
      owner &&
      eventTypes !== undefined &&
      list.length > 0 &&
      !eventTypes.some((type) => channelOf(type)?.owner === owner)
    ) {
      const prefixes = INKBOX_WEBHOOK_CHANNELS.filter((c) => c.owner === owner)
        .map((c) => `${c.prefix}*`)
        .join(', ');
      throw new InkboxConfigurationError(
        `registerWebhooks.eventTypes has no event type for registerWebhooks.${name} (they take ${prefixes}).`,
      );
    }
  }
  return {
    publicUrl: register.publicUrl,
    ...lists,
    eventTypes: register.eventTypes ? [...register.eventTypes] : undefined,
  };
}
