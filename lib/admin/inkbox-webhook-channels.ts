/*
 * Which owner a webhook subscription's events belong to, and the checks Inkbox applies to a
 * subscription's event types and context settings, done here before any request is sent.
 * Pure functions without imports: each check returns a sentence describing the problem, or
 * undefined, and the caller decides which error to raise with it.
 */

/** The three kinds of subscription owner: a mailbox, a phone number or an agent identity. */
export type InkboxWebhookOwnerKind = 'mailbox' | 'phoneNumber' | 'agentIdentity';

/** Name of an event channel; one subscription carries the events of one channel. */
export type InkboxWebhookChannelName = 'mail' | 'text' | 'imessage' | 'call' | 'a2a';

/** One channel of subscribable events. */
export interface InkboxWebhookChannel {
  /** Channel name. */
  readonly name: InkboxWebhookChannelName;
  /** Prefix of its event types, e.g. `text.`. */
  readonly prefix: string;
  /** The kind of owner whose subscriptions carry this channel. */
  readonly owner: InkboxWebhookOwnerKind;
  /** Every event type of the channel known to this version (the default subscription). */
  readonly eventTypes: readonly string[];
  /** True when the channel's payloads can carry `data.context` (so `contextConfig` means something). */
  readonly carriesContext: boolean;
}

/** The subscribable channels, in the order defaults are listed. */
export const INKBOX_WEBHOOK_CHANNELS: readonly InkboxWebhookChannel[] = [
  {
    name: 'mail',
    prefix: 'message.',
    owner: 'mailbox',
    eventTypes: [
      'message.received',
      'message.sent',
      'message.forwarded',
      'message.delivered',
      'message.bounced',
      'message.failed',
    ],
    carriesContext: true,
  },
  {
    name: 'text',
    prefix: 'text.',
    owner: 'phoneNumber',
    eventTypes: ['text.received', 'text.sent', 'text.delivered', 'text.delivery_failed', 'text.delivery_unconfirmed'],
    carriesContext: true,
  },
  {
    name: 'imessage',
    prefix: 'imessage.',
    owner: 'agentIdentity',
    eventTypes: [
      'imessage.received',
      'imessage.reaction_received',
      'imessage.sent',
      'imessage.delivered',
      'imessage.delivery_failed',
    ],
    carriesContext: true,
  },
  { name: 'call', prefix: 'call.', owner: 'agentIdentity', eventTypes: ['call.ended'], carriesContext: false },
  {
    name: 'a2a',
    prefix: 'a2a.',
    owner: 'agentIdentity',
    eventTypes: ['a2a.task.created', 'a2a.task.message', 'a2a.task.canceled', 'a2a.sent_task.updated'],
    carriesContext: false,
  },
];

/** The synchronous incoming-call event: set on the phone number, never in a subscription. */
export const INKBOX_INCOMING_CALL_EVENT_TYPE = 'phone.incoming_call';

/** The subscription field naming each kind of owner. */
export const INKBOX_OWNER_ID_FIELDS = {
  mailbox: 'mailbox_id',
  phoneNumber: 'phone_number_id',
  agentIdentity: 'agent_identity_id',
} as const satisfies Record<InkboxWebhookOwnerKind, string>;

const OWNER_LABELS: Record<InkboxWebhookOwnerKind, string> = {
  mailbox: 'a mailbox',
  phoneNumber: 'a phone number',
  agentIdentity: 'an agent identity',
};

const CONTEXT_LIMITS: Readonly<Record<string, { key: string; max: number }>> = {
  count: { key: 'count', max: 50 },
  window: { key: 'hours', max: 168 },
};
const CONTEXT_CLASSES = ['email', 'texts', 'calls'];

/** The channel an event type belongs to, by prefix; undefined for none. */
export function channelOf(eventType: string): InkboxWebhookChannel | undefined {
  return INKBOX_WEBHOOK_CHANNELS.find((channel) => eventType.startsWith(channel.prefix));
}

/** The default event types of an owner: every type of every channel it owns. */
export function defaultEventTypes(owner: InkboxWebhookOwnerKind): string[] {
  return INKBOX_WEBHOOK_CHANNELS.filter((channel) => channel.owner === owner).flatMap((channel) => [
    ...channel.eventTypes,
  ]);
}

/** `message.*` style list of the channels an owner may subscribe to. */
export function ownerPrefixes(owner: InkboxWebhookOwnerKind): string {
  return INKBOX_WEBHOOK_CHANNELS.filter((channel) => channel.owner === owner)
    .map((channel) => `${channel.prefix}*`)
    .join(', ');
}

/** Groups event types by channel, keeping the order of first appearance. Every type must have a channel. */
export function groupByChannel(eventTypes: readonly string[]): Map<InkboxWebhookChannel, string[]> {
  const groups = new Map<InkboxWebhookChannel, string[]>();
  for (const type of eventTypes) {
    const channel = channelOf(type);
    if (!channel) continue;
    groups.set(channel, [...(groups.get(channel) ?? []), type]);
  }
  return groups;
}

/**
 * What is wrong with a list of event types, if anything: not a non-empty list of distinct non-empty
 * strings, `phone.incoming_call`, a type of no known channel, a type the `owner` cannot subscribe to,
 * or (with `singleChannel`) types of more than one channel.
 */
export function eventTypesProblem(
  value: unknown,
  options: { owner?: InkboxWebhookOwnerKind; singleChannel?: boolean; name?: string } = {},
): string | undefined {
  const name = options.name ?? 'eventTypes';
  if (!Array.isArray(value) || value.length === 0)
    return `${name} must be a non-empty list of event types such as "message.received".`;
  const seen = new Set<string>();
  for (const type of value as unknown[]) {
    if (typeof type !== 'string' || type.trim() === '')
      return `${name} must hold only non-empty strings (got ${JSON.stringify(type)}).`;
    if (seen.has(type)) return `${name} lists "${type}" more than once; each event type must appear once.`;
    seen.add(type);
    const problem = eventTypeProblem(type, options.owner);
    if (problem) return problem;
  }
  const channels = new Set(value.map((type) => channelOf(type as string)!.prefix));
  if (options.singleChannel && channels.size > 1) {
    return `${name} must all belong to one channel (a subscription carries one); got ${[...channels].map((p) => `${p}*`).join(', ')}.`;
  }
  return undefined;
}

function eventTypeProblem(type: string, owner: InkboxWebhookOwnerKind | undefined): string | undefined {
  if (type === INKBOX_INCOMING_CALL_EVENT_TYPE) {
    return `"${type}" is not a subscription event: Inkbox calls the phone number's incoming-call webhook instead; use setIncomingCallWebhookUrl(phoneNumber, url).`;
  }
  const channel = channelOf(type);
  if (!channel) {
    return `"${type}" belongs to no Inkbox event channel (known: ${INKBOX_WEBHOOK_CHANNELS.map((c) => `${c.prefix}*`).join(', ')}).`;
  }
  if (owner && channel.owner !== owner) {
    return `"${type}" is owned by ${OWNER_LABELS[channel.owner]}, not ${OWNER_LABELS[owner]}: ${OWNER_LABELS[owner]} can subscribe to ${ownerPrefixes(owner)}.`;
  }
  return undefined;
}

/** What is wrong with a context configuration, if anything (classes `email`, `texts`, `calls`; count 1–50 or window 1–168 h). */
export function contextConfigProblem(config: unknown, name = 'contextConfig'): string | undefined {
  if (typeof config !== 'object' || config === null || Array.isArray(config))
    return `${name} must be an object such as { email: { mode: 'count', count: 10 } }.`;
  for (const [klass, entry] of Object.entries(config)) {
    if (!CONTEXT_CLASSES.includes(klass))
      return `${name} has an unknown class "${klass}" (allowed: ${CONTEXT_CLASSES.join(', ')}).`;
    if (entry === null || entry === undefined) continue;
    const problem = contextEntryProblem(`${name}.${klass}`, entry);
    if (problem) return problem;
  }
  return undefined;
}

function contextEntryProblem(where: string, entry: unknown): string | undefined {
  const fields = (typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? entry : {}) as Record<
    string,
    unknown
  >;
  const limits = typeof fields.mode === 'string' ? CONTEXT_LIMITS[fields.mode] : undefined;
  if (!limits) return `${where} must be { mode: 'count', count } or { mode: 'window', hours }.`;
  const stray = Object.keys(fields).find((key) => key !== 'mode' && key !== limits.key);
  if (stray) return `${where} has an unknown field "${stray}".`;
  const value = fields[limits.key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > limits.max) {
    return `${where}.${limits.key} must be a whole number from 1 to ${limits.max}.`;
  }
  return undefined;
}

/** E.164: a `+`, then 2 to 15 digits, the first not 0. */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{1,14}$/.test(value);
}
