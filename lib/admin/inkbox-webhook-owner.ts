import { InkboxConfigurationError } from '../options/inkbox-options.js';
import type {
  InkboxAgentIdentity,
  InkboxMailbox,
  InkboxPhoneNumber,
  InkboxSetWebhookUrlOptions,
  InkboxWebhookContextConfig,
} from './admin.types.js';
import {
  INKBOX_WEBHOOK_CHANNELS,
  contextConfigProblem,
  defaultEventTypes,
  eventTypesProblem,
  groupByChannel,
  isE164,
  type InkboxWebhookChannel,
  type InkboxWebhookOwnerKind,
} from './inkbox-webhook-channels.js';

/** An owner as the user named it, checked: its kind and the address, number or handle to look up. */
export interface InkboxWebhookOwnerRef {
  /** Owner kind. */
  readonly kind: InkboxWebhookOwnerKind;
  /** Mailbox address, E.164 number or agent handle. */
  readonly key: string;
}

/** An owner looked up: its id and the resource Inkbox returned. */
export type InkboxWebhookOwnerRecord =
  | { kind: 'mailbox'; id: string; mailbox: InkboxMailbox }
  | { kind: 'phoneNumber'; id: string; phoneNumber: InkboxPhoneNumber }
  | { kind: 'agentIdentity'; id: string; identity: InkboxAgentIdentity };

/** The subscriptions `setWebhookUrl` keeps for one owner and URL: event types per channel, and the context. */
export interface InkboxWebhookPlan {
  /** Event types per channel, in the order given; one subscription per channel. */
  readonly channels: ReadonlyMap<InkboxWebhookChannel, string[]>;
  /** Context for the channels that carry it; undefined leaves it as it is, null clears it. */
  readonly contextConfig: InkboxWebhookContextConfig | null | undefined;
}

const OWNER_KEYS = { mailbox: 'mailbox', phoneNumber: 'phoneNumber', agentHandle: 'agentIdentity' } as const;

/** Checks an owner argument (`'a@b'`, `{ mailbox }`, `{ phoneNumber }` or `{ agentHandle }`); throws `InkboxConfigurationError`. */
export function parseWebhookOwner(owner: unknown): InkboxWebhookOwnerRef {
  if (typeof owner === 'string') return checkedOwner('mailbox', owner, 'the mailbox address');
  const given =
    typeof owner === 'object' && owner !== null
      ? Object.keys(owner).filter((key) => (owner as Record<string, unknown>)[key] !== undefined)
      : [];
  const known = given.filter((key): key is keyof typeof OWNER_KEYS => key in OWNER_KEYS);
  if (known.length !== 1 || given.length !== 1) {
    throw new InkboxConfigurationError(
      `the webhook owner must be a mailbox address or exactly one of { mailbox }, { phoneNumber } (E.164) or { agentHandle } (got ${describeOwner(owner)}).`,
    );
  }
  const key = known[0]!;
  return checkedOwner(OWNER_KEYS[key], (owner as Record<string, unknown>)[key], key);
}

function checkedOwner(kind: InkboxWebhookOwnerKind, value: unknown, name: string): InkboxWebhookOwnerRef {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InkboxConfigurationError(`${name} must be a non-empty string.`);
  if (kind === 'phoneNumber' && !isE164(value)) {
    throw new InkboxConfigurationError(`phoneNumber must be in E.164 form, such as +15551230000 (got "${value}").`);
  }
  return { kind, key: value };
}

function describeOwner(owner: unknown): string {
  if (owner === null || owner === undefined) return String(owner);
  if (typeof owner !== 'object') return `a ${typeof owner}`;
  const keys = Object.keys(owner);
  return keys.length === 0 ? 'an empty object' : `an object with ${keys.join(', ')}`;
}

/** Checks an E.164 phone number argument; throws `InkboxConfigurationError`. */
export function requirePhoneNumber(value: unknown, name = 'phoneNumber'): asserts value is string {
  if (typeof value !== 'string' || !isE164(value)) {
    throw new InkboxConfigurationError(
      `${name} must be a phone number in E.164 form, such as +15551230000 (got ${JSON.stringify(value)}).`,
    );
  }
}

/**
 * Checks `setWebhookUrl`'s options for the owner kind, before any request, and splits the event types
 * by channel (default: every channel the owner has). Throws `InkboxConfigurationError`.
 */
export function planWebhook(kind: InkboxWebhookOwnerKind, options: InkboxSetWebhookUrlOptions): InkboxWebhookPlan {
  const eventTypes = options.eventTypes ?? defaultEventTypes(kind);
  const problem = eventTypesProblem(eventTypes, { owner: kind });
  if (problem) throw new InkboxConfigurationError(problem);
  const channels = groupByChannel(eventTypes);
  const { contextConfig } = options;
  if (contextConfig !== undefined && contextConfig !== null) {
    const contextProblem = contextConfigProblem(contextConfig);
    if (contextProblem) throw new InkboxConfigurationError(contextProblem);
    if (![...channels.keys()].some((channel) => channel.carriesContext)) {
      const carriers = INKBOX_WEBHOOK_CHANNELS.filter((c) => c.carriesContext)
        .map((c) => `${c.prefix}*`)
        .join(', ');
      throw new InkboxConfigurationError(
        `contextConfig applies only to ${carriers} events, and none of the event types is one (A2A subscriptions refuse it).`,
      );
    }
  }
  return { channels, contextConfig };
}
