import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake API received it. */
export interface RecordedRequest {
  method: string;
  /** Path as sent on the wire (still URL-encoded), without the query. */
  rawPath: string;
  /** Path with each segment decoded. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Raw request line target (path + query), as sent. */
  target: string;
  rawBody: string;
  body: unknown;
}

/** A programmable misbehaviour for the next request(s) that match. */
export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Handle the request normally, but only answer after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** Destroy the socket without handling the request. */
  | { kind: 'destroy' }
  /** Handle the request (state changes happen) and then destroy the socket instead of answering. */
  | { kind: 'drop-response' };

interface FaultRule {
  method: string;
  path: RegExp;
  fault: Fault;
  remaining: number;
  /** Matching requests to let through before the fault applies. */
  skip: number;
}

interface Identity {
  id: string;
  handle: string;
  key: { value: string; created_at: string } | null;
  created_at: string;
}

type Json = Record<string, unknown>;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const MAIL_EVENT_TYPES = [
  'message.received',
  'message.sent',
  'message.forwarded',
  'message.delivered',
  'message.bounced',
  'message.failed',
];
const TEXT_EVENT_TYPES = [
  'text.received',
  'text.sent',
  'text.delivered',
  'text.delivery_failed',
  'text.delivery_unconfirmed',
];
const IDENTITY_EVENT_TYPES = [
  'imessage.received',
  'imessage.reaction_received',
  'imessage.sent',
  'imessage.delivered',
  'imessage.delivery_failed',
  'call.ended',
  'a2a.task.created',
  'a2a.task.message',
  'a2a.task.canceled',
  'a2a.sent_task.updated',
];
/** Owner field → the event types that owner may subscribe to (the server's catalogue). */
const OWNER_EVENT_TYPES: Record<string, string[]> = {
  mailbox_id: MAIL_EVENT_TYPES,
  phone_number_id: TEXT_EVENT_TYPES,
  agent_identity_id: IDENTITY_EVENT_TYPES,
};
const OWNER_FIELDS = Object.keys(OWNER_EVENT_TYPES);
const INCOMING_CALL_ACTIONS = ['webhook', 'auto_accept', 'auto_reject', 'hosted_agent'];
const ORG = 'org_fake';

/**
 * A stand-in for the Inkbox API on 127.0.0.1: mailboxes, phone numbers, agent identities, webhook
 * subscriptions of every owner (at most 20 active per owner), the delivery log and per-identity signing keys, answering like the real API (FastAPI-style `{"detail": ...}` errors), with
 * programmable faults. Records every request.
 */
export class FakeInkboxApi {
  readonly requests: RecordedRequest[] = [];
  readonly mailboxes = new Map<string, Json>();
  /** Phone numbers by E.164 number. */
  readonly phoneNumbers = new Map<string, Json>();
  readonly subscriptions = new Map<string, Json>();
  readonly deliveries: Json[] = [];
  readonly identities = new Map<string, Identity>();
  /** `legacy` behaves like a deployment from before subscriptions: the mailbox has `webhook_url`. */
  mode: 'current' | 'legacy' = 'current';
  /** Like a server that ignores the owner filters of a subscription list: every row comes back. */
  ignoreOwnerFilters = false;
  /** Status the receiver answers when a delivery is replayed. */
  replayResponseStatus = 200;
  private readonly faults: FaultRule[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server?: Server;
  private clock = Date.parse('2026-08-01T00:00:00Z');

  constructor(readonly apiKey: string) {}

  /** Starts listening on a random port; resolves to the base URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.baseUrl;
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get baseUrl(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Stops the server and drops any open connection. */
  async stop(): Promise<void> {
    if (!this.server) return;
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Makes the next `times` requests matching `method` and `path` misbehave, after letting `skip` of them through. */
  fail(method: string, path: RegExp, fault: Fault, times = 1, skip = 0): void {
    this.faults.push({ method, path, fault, remaining: times, skip });
  }

  /** Forgets recorded requests (state is kept). */
  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Adds a mailbox owned by a new agent identity (`handle`, default: the local part). */
  addMailbox(emailAddress: string, options: { handle?: string; withSigningKey?: boolean } = {}): Json {
    const identity = this.addIdentity(options.handle ?? emailAddress.split('@')[0]!, options.withSigningKey ?? false);
    const now = this.tick();
    const mailbox: Json = {
      id: randomUUID(),
      email_address: emailAddress,
      sending_domain: emailAddress.split('@')[1],
      filter_mode: 'blacklist',
      agent_identity_id: identity.id,
      filter_mode_change_notice: null,
      created_at: now,
      updated_at: now,
    };
    if (this.mode === 'legacy') mailbox.webhook_url = null;
    this.mailboxes.set(emailAddress, mailbox);
    return mailbox;
  }

  /** Adds an agent identity. */
  addIdentity(handle: string, withSigningKey = false): Identity {
    const created = this.tick();
    const identity: Identity = {
      id: randomUUID(),
      handle,
      key: withSigningKey ? { value: `whsec_${randomUUID()}`, created_at: this.tick() } : null,
      created_at: created,
    };
    this.identities.set(handle, identity);
    return identity;
  }

  /** Adds a phone number owned by an agent identity (`handle`, created when new). */
  addPhoneNumber(number: string, options: { handle?: string; withSigningKey?: boolean } = {}): Json {
    const handle = options.handle ?? `line-${number.slice(-4)}`;
    const identity = this.identities.get(handle) ?? this.addIdentity(handle, options.withSigningKey ?? false);
    const now = this.tick();
    const phoneNumber: Json = {
      id: randomUUID(),
      number,
      type: 'local',
      status: 'active',
      sms_status: 'ready',
      incoming_call_action: 'auto_reject',
      client_websocket_url: null,
      incoming_call_webhook_url: null,
      filter_mode: 'blacklist',
      agent_identity_id: identity.id,
      created_at: now,
      updated_at: now,
    };
    this.phoneNumbers.set(number, phoneNumber);
    return phoneNumber;
  }

  /** Adds a subscription directly (as if made elsewhere); owned by the one owner field given. */
  addSubscription(fields: Partial<Json> & { url: string }): Json {
    const now = this.tick();
    const subscription: Json = {
      id: randomUUID(),
      organization_id: ORG,
      mailbox_id: null,
      phone_number_id: null,
      agent_identity_id: null,
      event_types: [...MAIL_EVENT_TYPES],
      status: 'active',
      context_config: null,
      created_at: now,
      updated_at: now,
      ...fields,
    };
    this.subscriptions.set(subscription.id as string, subscription);
    return subscription;
  }

  /** Adds a delivery row; rows are served newest first by `created_at`. */
  addDelivery(fields: Partial<Json> & { created_at: string }): Json {
    const delivery: Json = {
      id: randomUUID(),
      organization_id: ORG,
      webhook_subscription_id: null,
      phone_number_id: null,
      event_id: `evt_${randomUUID()}`,
      event_type: 'message.received',
      url: 'https://app.example.com/inkbox/webhooks',
      request_payload: '{}',
      response_status: 500,
      response_body: 'error',
      error_detail: null,
      duration_ms: 12,
      is_replay: false,
      ...fields,
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  /** Every recorded request as a `METHOD target` line (target = path and query, as sent). */
  lines(): string[] {
    return this.requests.map((r) => `${r.method} ${r.target}`);
  }

  private tick(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const recorded = await this.record(req);
    const rule = this.takeFault(recorded);
    if (rule?.kind === 'destroy') {
      req.socket.destroy();
      return;
    }
    if (rule?.kind === 'status') {
      this.send(res, { status: rule.status, body: rule.body, headers: rule.headers });
      return;
    }
    const answer = this.route(recorded);
    if (rule?.kind === 'drop-response') {
      req.socket.destroy();
      return;
    }
    if (rule?.kind === 'slow') {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!res.destroyed) this.send(res, answer);
      }, rule.delayMs);
      this.timers.add(timer);
      return;
    }
    this.send(res, answer);
  }

  private async record(req: IncomingMessage): Promise<RecordedRequest> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const target = req.url ?? '/';
    const url = new URL(target, 'http://fake');
    let body: unknown;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = rawBody;
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      rawPath: url.pathname,
      path: url.pathname.split('/').map(decodeURIComponent).join('/'),
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      target,
      rawBody,
      body,
    };
    this.requests.push(recorded);
    return recorded;
  }

  private takeFault(request: RecordedRequest): Fault | undefined {
    const rule = this.faults.find((f) => f.remaining > 0 && f.method === request.method && f.path.test(request.path));
    if (!rule) return undefined;
    if (rule.skip > 0) {
      rule.skip--;
      return undefined;
    }
    rule.remaining--;
    return rule.fault;
  }

  private send(res: ServerResponse, answer: Answer): void {
    const headers: Record<string, string> = { ...answer.headers };
    if (answer.body === undefined) {
      res.writeHead(answer.status, headers).end();
      return;
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(answer.body));
  }

  // ---------------------------------------------------------------- routing

  private route(request: RecordedRequest): Answer {
    if (request.headers['x-api-key'] !== this.apiKey) return detail(401, 'Invalid or missing API key');
    const parts = request.rawPath.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1') return detail(404, 'Not Found');
    const [section, ...rest] = parts.slice(2);
    if (section === 'mail' && rest[0] === 'mailboxes') return this.routeMailboxes(request, rest.slice(1));
    if (section === 'webhooks' && rest[0] === 'subscriptions') return this.routeSubscriptions(request, rest.slice(1));
    if (section === 'webhooks' && rest[0] === 'deliveries') return this.routeDeliveries(request, rest.slice(1));
    if (section === 'identities' && rest[1] === 'signing-key' && rest.length === 2)
      return this.routeSigningKey(request, rest[0]!);
    if (section === 'identities' && rest.length === 1 && request.method === 'GET') return this.getIdentity(rest[0]!);
    if (section === 'phone' && rest[0] === 'numbers') return this.routePhoneNumbers(request, rest.slice(1));
    return detail(404, 'Not Found');
  }

  private routeMailboxes(request: RecordedRequest, rest: string[]): Answer {
    if (rest.length === 0 && request.method === 'GET') {
      return { status: 200, body: [...this.mailboxes.values()].reverse() };
    }
    const mailbox = rest.length === 1 ? this.findMailbox(rest[0]!) : undefined;
    if (!mailbox) return detail(404, 'Mailbox not found');
    if (request.method === 'GET') return { status: 200, body: mailbox };
    if (request.method === 'PATCH') return this.patchMailbox(mailbox, request.body as Json);
    return detail(405, 'Method Not Allowed');
  }

  private findMailbox(address: string): Json | undefined {
    return (
      this.mailboxes.get(address) ??
      [...this.mailboxes.values()].find((m) => (m.email_address as string).split('@')[0] === address)
    );
  }

  private patchMailbox(mailbox: Json, body: Json): Answer {
    const allowed = this.mode === 'legacy' ? ['filter_mode', 'webhook_url', 'display_name'] : ['filter_mode'];
    const extra = Object.keys(body ?? {}).filter((key) => !allowed.includes(key));
    if (extra.length > 0) {
      return {
        status: 422,
        body: {
          detail: extra.map((key) => ({
            loc: ['body', key],
            msg: 'Extra inputs are not permitted',
            type: 'extra_forbidden',
          })),
        },
      };
    }
    const notice =
      body.filter_mode && body.filter_mode !== mailbox.filter_mode
        ? { new_filter_mode: body.filter_mode, redundant_rule_action: 'kept', redundant_rule_count: 0 }
        : null;
    Object.assign(mailbox, body, { updated_at: this.tick() });
    return { status: 200, body: { ...mailbox, filter_mode_change_notice: notice } };
  }

  private routeSubscriptions(request: RecordedRequest, rest: string[]): Answer {
    if (rest.length === 0 && request.method === 'GET') return this.listSubscriptions(request.query);
    if (rest.length === 0 && request.method === 'POST') return this.createSubscription(request.body as Json);
    const subscription = rest.length === 1 ? this.subscriptions.get(rest[0]!) : undefined;
    if (!subscription || subscription.status !== 'active') return detail(404, 'Webhook subscription not found');
    if (request.method === 'GET') return { status: 200, body: subscription };
    if (request.method === 'DELETE') {
      subscription.status = 'deleted';
      return { status: 204 };
    }
    if (request.method === 'PATCH') {
      const body = request.body as Json;
      const ownerField = OWNER_FIELDS.find(
        (field) => subscription[field] !== null && subscription[field] !== undefined,
      )!;
      const invalid = body.event_types !== undefined ? this.invalidEventTypes(body.event_types, ownerField) : undefined;
      if (invalid) return invalid;
      Object.assign(subscription, pick(body, ['url', 'event_types', 'context_config']), { updated_at: this.tick() });
      return { status: 200, body: subscription };
    }
    return detail(405, 'Method Not Allowed');
  }

  private listSubscriptions(query: Record<string, string>): Answer {
    const owners = ['mailbox_id', 'phone_number_id', 'agent_identity_id'].filter((key) => query[key] !== undefined);
    if (owners.length > 1) return detail(422, 'Pass at most one of mailbox_id, phone_number_id, agent_identity_id');
    const rows = [...this.subscriptions.values()].filter(
      (s) =>
        s.status === 'active' &&
        (this.ignoreOwnerFilters ||
          OWNER_FIELDS.every((field) => query[field] === undefined || s[field] === query[field])) &&
        (query.url === undefined || s.url === query.url) &&
        (query.event_type === undefined || (s.event_types as string[]).includes(query.event_type)),
    );
    return { status: 200, body: { subscriptions: rows } };
  }

  private createSubscription(body: Json): Answer {
    const owners = OWNER_FIELDS.filter((field) => body[field] !== undefined && body[field] !== null);
    if (owners.length !== 1)
      return detail(422, 'Exactly one of mailbox_id, phone_number_id, agent_identity_id is required');
    const field = owners[0]!;
    const ownerIdentity = this.ownerIdentity(field, body[field] as string);
    if (ownerIdentity === undefined) return detail(404, 'Owner not found');
    if (typeof body.url !== 'string') return detail(422, 'url is required');
    const invalid = this.invalidEventTypes(body.event_types, field);
    if (invalid) return invalid;
    const active = [...this.subscriptions.values()].filter((s) => s.status === 'active' && s[field] === body[field]);
    if (active.length >= 20) return detail(409, 'Subscription limit reached for this owner (20)');
    const subscription = this.addSubscription({
      [field]: body[field],
      url: body.url,
      event_types: body.event_types,
      context_config: body.context_config ?? null,
    });
    let signingKey: string | null = null;
    if (ownerIdentity && !ownerIdentity.key) {
      ownerIdentity.key = { value: `whsec_minted_${randomUUID()}`, created_at: this.tick() };
      signingKey = ownerIdentity.key.value;
    }
    return { status: 201, body: { ...subscription, signing_key: signingKey } };
  }

  /** The identity behind an owner id (null when the owner has none), or undefined when the owner does not exist. */
  private ownerIdentity(field: string, id: string): Identity | null | undefined {
    const identities = [...this.identities.values()];
    if (field === 'agent_identity_id') return identities.find((i) => i.id === id);
    const owners = field === 'mailbox_id' ? [...this.mailboxes.values()] : [...this.phoneNumbers.values()];
    const owner = owners.find((o) => o.id === id);
    if (!owner) return undefined;
    return identities.find((i) => i.id === owner.agent_identity_id) ?? null;
  }

  private invalidEventTypes(value: unknown, ownerField: string): Answer | undefined {
    const types = Array.isArray(value) ? (value as unknown[]) : [];
    if (types.length === 0) return detail(422, 'event_types must be a non-empty list');
    if (new Set(types).size !== types.length) return detail(422, 'event_types must not contain duplicates');
    const wrong = types.find((t) => typeof t !== 'string' || !OWNER_EVENT_TYPES[ownerField]!.includes(t));
    if (wrong !== undefined)
      return detail(422, `Unknown or not allowed event type for this owner: ${JSON.stringify(wrong)}`);
    const channels = new Set(types.map((t) => (t as string).split('.')[0]));
    if (channels.size > 1) return detail(422, 'event_types must belong to one channel');
    return undefined;
  }

  private getIdentity(handle: string): Answer {
    const identity = this.identities.get(handle);
    if (!identity) return detail(404, 'Agent identity not found');
    const mailbox = [...this.mailboxes.values()].find((m) => m.agent_identity_id === identity.id);
    return {
      status: 200,
      body: {
        id: identity.id,
        organization_id: ORG,
        agent_handle: identity.handle,
        display_name: null,
        description: null,
        email_address: mailbox?.email_address ?? null,
        signing_key_configured: identity.key !== null,
        signing_key_created_at: identity.key?.created_at ?? null,
        created_at: identity.created_at,
        updated_at: identity.created_at,
      },
    };
  }

  private routePhoneNumbers(request: RecordedRequest, rest: string[]): Answer {
    if (rest.length === 0 && request.method === 'GET') return { status: 200, body: [...this.phoneNumbers.values()] };
    const number = rest.length === 1 ? [...this.phoneNumbers.values()].find((n) => n.id === rest[0]) : undefined;
    if (!number) return detail(404, 'Phone number not found');
    if (request.method === 'GET') return { status: 200, body: number };
    if (request.method === 'PATCH') return this.patchPhoneNumber(number, (request.body ?? {}) as Json);
    return detail(405, 'Method Not Allowed');
  }

  private patchPhoneNumber(number: Json, body: Json): Answer {
    const allowed = ['incoming_call_action', 'incoming_call_webhook_url', 'client_websocket_url', 'filter_mode'];
    const extra = Object.keys(body).filter((key) => !allowed.includes(key));
    if (extra.length > 0)
      return {
        status: 422,
        body: {
          detail: extra.map((key) => ({
            loc: ['body', key],
            msg: 'Extra inputs are not permitted',
            type: 'extra_forbidden',
          })),
        },
      };
    if (
      body.incoming_call_action !== undefined &&
      !INCOMING_CALL_ACTIONS.includes(body.incoming_call_action as string)
    ) {
      return detail(422, `Unknown incoming_call_action: ${JSON.stringify(body.incoming_call_action)}`);
    }
    const next = { ...number, ...body };
    if (next.incoming_call_action === 'webhook' && typeof next.incoming_call_webhook_url !== 'string') {
      return detail(422, 'incoming_call_webhook_url is required when incoming_call_action is webhook');
    }
    Object.assign(number, body, { updated_at: this.tick() });
    return { status: 200, body: number };
  }

  private routeDeliveries(request: RecordedRequest, rest: string[]): Answer {
    if (rest.length === 0 && request.method === 'GET') return this.listDeliveries(request.query);
    if (rest.length === 2 && rest[1] === 'replay' && request.method === 'POST') return this.replay(rest[0]!);
    return detail(404, 'Not Found');
  }

  private listDeliveries(query: Record<string, string>): Answer {
    const limit = Math.min(200, Math.max(1, Number(query.limit ?? 50)));
    const offset = Number(query.offset ?? 0);
    const rows = [...this.deliveries]
      .sort((a, b) => (b.created_at as string).localeCompare(a.created_at as string))
      .filter(
        (d) =>
          (query.subscription_id === undefined || d.webhook_subscription_id === query.subscription_id) &&
          (query.event_type === undefined || d.event_type === query.event_type) &&
          (query.success === undefined || String(isSuccess(d)) === query.success),
      );
    return { status: 200, body: { deliveries: rows.slice(offset, offset + limit) } };
  }

  private replay(id: string): Answer {
    const original = this.deliveries.find((d) => d.id === id);
    if (!original) return detail(404, 'Delivery not found');
    if (original.webhook_subscription_id === null) return detail(422, 'Incoming-call deliveries cannot be replayed');
    const subscription = this.subscriptions.get(original.webhook_subscription_id as string);
    if (!subscription || subscription.status !== 'active') return detail(409, 'Subscription is no longer active');
    if (!(subscription.event_types as string[]).includes(original.event_type as string))
      return detail(409, 'Subscription no longer covers this event type');
    const replay = this.addDelivery({
      created_at: this.tick(),
      webhook_subscription_id: original.webhook_subscription_id,
      event_id: original.event_id,
      event_type: original.event_type,
      url: subscription.url,
      request_payload: original.request_payload,
      response_status: this.replayResponseStatus,
      response_body: '',
      is_replay: true,
    });
    return { status: 200, body: replay };
  }

  private routeSigningKey(request: RecordedRequest, handle: string): Answer {
    const identity = this.identities.get(handle);
    if (!identity) return detail(404, 'Agent identity not found');
    if (request.method === 'GET')
      return { status: 200, body: { configured: identity.key !== null, created_at: identity.key?.created_at ?? null } };
    if (request.method === 'POST') {
      identity.key = { value: `whsec_rotated_${randomUUID()}`, created_at: this.tick() };
      return { status: 200, body: { signing_key: identity.key.value, created_at: identity.key.created_at } };
    }
    return detail(405, 'Method Not Allowed');
  }
}

function detail(status: number, message: string): Answer {
  return { status, body: { detail: message } };
}

function pick(body: Json, keys: string[]): Json {
  return Object.fromEntries(Object.entries(body ?? {}).filter(([key]) => keys.includes(key)));
}

function isSuccess(delivery: Json): boolean {
  const status = delivery.response_status;
  return typeof status === 'number' && status >= 200 && status < 300;
}
