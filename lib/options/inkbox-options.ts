import {
  DEFAULT_API_BASE_URL,
  DEFAULT_API_MAX_ATTEMPTS,
  DEFAULT_API_TIMEOUT_MS,
  DEFAULT_IDEMPOTENCY_LEASE_MS,
  DEFAULT_IDEMPOTENCY_MAX_ENTRIES,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TOLERANCE_SECONDS,
  DEFAULT_WEBHOOK_PATH,
} from '../inkbox.constants.js';
import { InkboxConfigurationError } from '../errors.js';
import type {
  InkboxKeyContext,
  InkboxModuleOptions,
  ResolvedInkboxOptions,
} from './inkbox-module-options.interface.js';
import { INKBOX_MESSAGES } from '../messages.js';

export { InkboxConfigurationError };

function cleanKeys(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  const keys: string[] = [];
  for (const key of list) {
    if (typeof key !== 'string' || key.trim() === '' || key === 'whsec_') {
      throw new InkboxConfigurationError(`${where} must be a non-empty string or a list of them (got ${describe(key)}).`);
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
    throw new InkboxConfigurationError(`${name} must be a whole number of ${min} or more (got ${describe(value)} ${JSON.stringify(value) ?? 'undefined'}).`);
  }
  return value;
}

/** Normalises a webhook path: no leading or trailing slash. */
export function normalizeWebhookPath(path: string | undefined): string {
  const value = path ?? DEFAULT_WEBHOOK_PATH;
  if (typeof value !== 'string' || value.replace(/^\/+|\/+$/g, '') === '') {
    throw new InkboxConfigurationError('webhookPath must be a non-empty path such as "inkbox/webhooks".');
  }
  return value.replace(/^\/+|\/+$/g, '');
}

/** Validates the user's options and applies every default, in this one place. */
export function resolveInkboxOptions(options: InkboxModuleOptions | undefined | null): ResolvedInkboxOptions {
  if (!options || typeof options !== 'object') {
    throw new InkboxConfigurationError(INKBOX_MESSAGES.optionsMissing);
  }
  const extra = options as InkboxModuleOptions & { webhookPath?: unknown; version?: unknown };
  if (extra.webhookPath !== undefined || extra.version !== undefined) {
    throw new InkboxConfigurationError(INKBOX_MESSAGES.routeOptionsInFactory);
  }
  const { signingKey } = options;
  if (signingKey === undefined || signingKey === null || signingKey === '') {
    throw new InkboxConfigurationError(INKBOX_MESSAGES.signingKeyRequired);
  }
  let resolveKeys: ResolvedInkboxOptions['resolveKeys'];
  if (typeof signingKey === 'function') {
    resolveKeys = async (context: InkboxKeyContext) => {
      const value = await signingKey(context);
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) return [];
      return cleanKeys(value, 'the signingKey resolver');
    };
  } else {
    const keys = cleanKeys(signingKey, 'signingKey');
    resolveKeys = () => keys;
  }

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
  const register = options.registerWebhooks;
  if (register !== undefined) {
    if (!register || typeof register.publicUrl !== 'string' || !/^https?:\/\//.test(register.publicUrl)) {
      throw new InkboxConfigurationError('registerWebhooks.publicUrl must be the public http(s) base URL of this app.');
    }
    if (!Array.isArray(register.mailboxes) || register.mailboxes.some((m) => typeof m !== 'string' || m === '')) {
      throw new InkboxConfigurationError('registerWebhooks.mailboxes must be a list of mailbox addresses.');
    }
  }

  let idempotency: ResolvedInkboxOptions['idempotency'] = false;
  if (options.idempotency !== false) {
    const idem = options.idempotency ?? {};
    const store = idem.store ?? 'memory';
    if (store !== 'memory' && store !== 'redis' && (typeof store !== 'object' || typeof store.claim !== 'function')) {
      throw new InkboxConfigurationError(`idempotency.store must be 'memory', 'redis' or an object implementing InkboxIdempotencyStore.`);
    }
    if (store === 'redis' && !idem.redis?.client && !idem.redis?.url) {
      throw new InkboxConfigurationError(`idempotency.store 'redis' needs idempotency.redis.client (an ioredis instance) or idempotency.redis.url.`);
    }
    const onStoreError = idem.onStoreError ?? 'closed';
    if (onStoreError !== 'closed' && onStoreError !== 'open') {
      throw new InkboxConfigurationError(`idempotency.onStoreError must be 'closed' (default: answer 503) or 'open'.`);
    }
    idempotency = {
      store,
      redis: idem.redis,
      ttlMs: positiveNumber(idem.ttlMs, 'idempotency.ttlMs', DEFAULT_IDEMPOTENCY_TTL_MS, 1),
      leaseMs: positiveNumber(idem.leaseMs, 'idempotency.leaseMs', DEFAULT_IDEMPOTENCY_LEASE_MS, 1),
      maxEntries: positiveNumber(idem.maxEntries, 'idempotency.maxEntries', DEFAULT_IDEMPOTENCY_MAX_ENTRIES, 1),
      onStoreError,
    };
  }

  return {
    resolveKeys,
    dynamicKeys: typeof signingKey === 'function',
    toleranceSeconds: positiveNumber(options.toleranceSeconds, 'toleranceSeconds', DEFAULT_TOLERANCE_SECONDS),
    maxBodyBytes: positiveNumber(options.maxBodyBytes, 'maxBodyBytes', DEFAULT_MAX_BODY_BYTES, 1),
    apiKey: options.apiKey,
    apiBaseUrl: apiBaseUrl.replace(/\/+$/, ''),
    apiTimeoutMs: positiveNumber(options.apiTimeoutMs, 'apiTimeoutMs', DEFAULT_API_TIMEOUT_MS, 1),
    apiMaxAttempts: positiveNumber(options.apiMaxAttempts, 'apiMaxAttempts', DEFAULT_API_MAX_ATTEMPTS, 1),
    webhookApi,
    registerWebhooks: register,
    idempotency,
    emitEvents: options.emitEvents === true,
  };
}
