import { InkboxConfigurationError } from '../../lib/options/inkbox-options';
import { captureLogs, rejectionOf, startKit, type AdminKit } from './admin-test-kit';
import type { RecordedRequest } from './fake-inkbox-api';

const NUMBER = '+15551230000';
const HANDLE = 'sales';
const URL_A = 'https://app.example.com/inkbox/webhooks';
const URL_B = 'https://backup.example.com/inkbox/webhooks';
const TEXT_EVENTS = [
  'text.received',
  'text.sent',
  'text.delivered',
  'text.delivery_failed',
  'text.delivery_unconfirmed',
];
const IMESSAGE_EVENTS = [
  'imessage.received',
  'imessage.reaction_received',
  'imessage.sent',
  'imessage.delivered',
  'imessage.delivery_failed',
];
const A2A_EVENTS = ['a2a.task.created', 'a2a.task.message', 'a2a.task.canceled', 'a2a.sent_task.updated'];

/** Method, path, query and JSON body of a recorded request: what the assertions compare. */
function wire(request: RecordedRequest): {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
} {
  return { method: request.method, path: request.path, query: request.query, body: request.body };
}

describe('InkboxAdminService: webhooks of phone numbers and agent identities', () => {
  let kit: AdminKit;
  let logs: string[];

  beforeEach(async () => {
    logs = captureLogs();
    kit = await startKit();
  });

  afterEach(() => kit.stop());

  const active = () => [...kit.api.subscriptions.values()].filter((s) => s.status === 'active');

  describe('{ phoneNumber }', () => {
    it('looks the E.164 number up, subscribes every text.* type under phone_number_id and returns the minted key', async () => {
      const phone = kit.api.addPhoneNumber(NUMBER);
      const result = await kit.service.setWebhookUrl({ phoneNumber: NUMBER }, URL_A);

      expect(kit.api.requests.map(wire)).toEqual([
        { method: 'GET', path: '/api/v1/phone/numbers', query: {}, body: undefined },
        {
          method: 'GET',
          path: '/api/v1/webhooks/subscriptions',
          query: { phone_number_id: phone.id, url: URL_A },
          body: undefined,
        },
        {
          method: 'POST',
          path: '/api/v1/webhooks/subscriptions',
          query: {},
          body: { phone_number_id: phone.id, url: URL_A, event_types: TEXT_EVENTS },
        },
      ]);
      expect(result).toMatchObject({
        ownerKind: 'phoneNumber',
        ownerId: phone.id,
        phoneNumber: { number: NUMBER },
        action: 'created',
      });
      expect(result.subscription).toMatchObject({
        phone_number_id: phone.id,
        mailbox_id: null,
        event_types: TEXT_EVENTS,
      });
      expect(result.signingKey).toMatch(/^whsec_minted_/);
      expect(logs.join('\n')).not.toContain(result.signingKey!);

      kit.api.clearRequests();
      const again = await kit.service.setWebhookUrl({ phoneNumber: NUMBER }, URL_A);
      expect(again.action).toBe('unchanged');
      expect(kit.api.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(active()).toHaveLength(1);
    });

    it('a number the organisation does not have is an InkboxConfigurationError after one lookup, not retried', async () => {
      kit.api.addPhoneNumber(NUMBER);
      const error = await rejectionOf(kit.service.setWebhookUrl({ phoneNumber: '+15559990000' }, URL_A));
      expect(error).toBeInstanceOf(InkboxConfigurationError);
      expect(error.message).toContain('no phone number +15559990000');
      expect(kit.api.lines()).toEqual(['GET /api/v1/phone/numbers']);
    });

    it('the 21st subscription of a number is reported as the per-owner cap (409), not retried', async () => {
      const phone = kit.api.addPhoneNumber(NUMBER);
      for (let i = 0; i < 20; i++)
        kit.api.addSubscription({
          phone_number_id: phone.id,
          url: `https://a.example.com/${i}`,
          event_types: ['text.received'],
        });
      const error = await rejectionOf(kit.service.setWebhookUrl({ phoneNumber: NUMBER }, URL_A));

      expect(error).toMatchObject({ status: 409, method: 'POST', attempts: 1 });
      expect(error.message).toContain('Subscription limit reached for this owner (20)');
      expect(error.message).toContain('20 active subscriptions');
      expect(kit.api.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'POST']);
    });

    it("disableWebhook({ phoneNumber }) deletes the number's subscriptions only", async () => {
      const phone = kit.api.addPhoneNumber(NUMBER);
      const mailbox = kit.api.addMailbox('support@acme.inkbox.ai');
      const a = kit.api.addSubscription({ phone_number_id: phone.id, url: URL_A, event_types: TEXT_EVENTS });
      const b = kit.api.addSubscription({
        phone_number_id: phone.id,
        url: URL_B,
        event_types: ['text.received'],
      });
      const mail = kit.api.addSubscription({ mailbox_id: mailbox.id, url: URL_A });

      await expect(kit.service.disableWebhook({ phoneNumber: NUMBER })).resolves.toBe(2);
      expect(kit.api.lines()).toEqual([
        'GET /api/v1/phone/numbers',
        `GET /api/v1/webhooks/subscriptions?phone_number_id=${phone.id as string}`,
        `DELETE /api/v1/webhooks/subscriptions/${a.id as string}`,
        `DELETE /api/v1/webhooks/subscriptions/${b.id as string}`,
      ]);
      expect(active().map((s) => s.id)).toEqual([mail.id]);
    });
  });

  describe('{ agentHandle }', () => {
    it('looks the handle up and keeps one subscription per channel (iMessage, call, A2A) under agent_identity_id', async () => {
      const identity = kit.api.addIdentity(HANDLE);
      const result = await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A);

      const posts = kit.api.requests.filter((r) => r.method === 'POST').map((r) => r.body);
      expect(kit.api.requests.slice(0, 2).map(wire)).toEqual([
        { method: 'GET', path: `/api/v1/identities/${HANDLE}`, query: {}, body: undefined },
        {
          method: 'GET',
          path: '/api/v1/webhooks/subscriptions',
          query: { agent_identity_id: identity.id, url: URL_A },
          body: undefined,
        },
      ]);
      expect(posts).toEqual([
        { agent_identity_id: identity.id, url: URL_A, event_types: IMESSAGE_EVENTS },
        { agent_identity_id: identity.id, url: URL_A, event_types: ['call.ended'] },
        { agent_identity_id: identity.id, url: URL_A, event_types: A2A_EVENTS },
      ]);
      expect(result).toMatchObject({
        ownerKind: 'agentIdentity',
        ownerId: identity.id,
        identity: { agent_handle: HANDLE },
        action: 'created',
      });
      expect(result.subscriptions.map((s) => [s.mailbox_id, s.phone_number_id, s.agent_identity_id])).toEqual(
        Array(3).fill([null, null, identity.id]),
      );
      expect(result.subscription).toBe(result.subscriptions[0]);
      expect(result.signingKey).toMatch(/^whsec_minted_/);

      kit.api.clearRequests();
      const again = await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A);
      expect(again).toMatchObject({ action: 'unchanged', removed: [] });
      expect(again.signingKey).toBeUndefined();
      expect(kit.api.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
      expect(active()).toHaveLength(3);
    });

    it('narrowing the event types deletes the subscriptions of channels no longer asked for', async () => {
      kit.api.addIdentity(HANDLE, true);
      const first = await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A);
      kit.api.clearRequests();
      const result = await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A, { eventTypes: ['call.ended'] });

      const [imessage, call, a2a] = first.subscriptions.map((s) => s.id);
      expect(kit.api.requests.slice(2).map((r) => `${r.method} ${r.path}`)).toEqual([
        `DELETE /api/v1/webhooks/subscriptions/${imessage!}`,
        `DELETE /api/v1/webhooks/subscriptions/${a2a!}`,
      ]);
      expect(result).toMatchObject({ action: 'updated', subscriptions: [{ id: call }] });
      expect(result.removed.map((s) => s.id)).toEqual([imessage, a2a]);
      expect(active().map((s) => s.id)).toEqual([call]);
    });

    it('contextConfig goes only to the channels whose payloads carry context (iMessage), never to call or A2A', async () => {
      kit.api.addIdentity(HANDLE, true);
      const contextConfig = { texts: { mode: 'count', count: 5 } } as const;
      await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A, { contextConfig });
      const posts = kit.api.requests.filter((r) => r.method === 'POST').map((r) => r.body as Record<string, unknown>);
      expect(posts.map((b) => b.context_config)).toEqual([contextConfig, undefined, undefined]);

      kit.api.clearRequests();
      const same = await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A, { contextConfig });
      expect(same.action).toBe('unchanged');
    });

    it('a failed create is retried as a whole; the key minted by the first attempt is kept and no row is doubled', async () => {
      const identity = kit.api.addIdentity(HANDLE);
      kit.api.fail('POST', /subscriptions$/, { kind: 'status', status: 503, body: { detail: 'busy' } }, 1, 1);
      const result = await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A);

      const lookups = [
        `GET /api/v1/identities/${HANDLE}`,
        `GET /api/v1/webhooks/subscriptions?agent_identity_id=${identity.id}&url=${encodeURIComponent(URL_A)}`,
      ];
      const post = 'POST /api/v1/webhooks/subscriptions';
      expect(kit.api.lines()).toEqual([...lookups, post, post, ...lookups, post, post]);
      expect(kit.sleeps).toEqual([250]);
      expect(result.action).toBe('created');
      expect(result.signingKey).toBe(identity.key!.value);
      expect(result.signingKeyMayBeLost).toBeUndefined();
      expect(active().map((s) => s.event_types)).toEqual([IMESSAGE_EVENTS, ['call.ended'], A2A_EVENTS]);
    });

    it('finds rows by agent_identity_id: a mailbox row of the same identity and URL is neither reused nor deleted', async () => {
      const mailbox = kit.api.addMailbox('sales@acme.inkbox.ai', { handle: HANDLE, withSigningKey: true });
      const mailRow = kit.api.addSubscription({ mailbox_id: mailbox.id, url: URL_A });
      kit.api.ignoreOwnerFilters = true;

      await kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A, { eventTypes: ['call.ended'] });
      expect(kit.api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
      expect(kit.api.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
      await expect(
        kit.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A, { eventTypes: ['call.ended'] }),
      ).resolves.toMatchObject({ action: 'unchanged' });

      await expect(kit.service.disableWebhook({ agentHandle: HANDLE }, URL_A)).resolves.toBe(1);
      await expect(kit.service.setWebhookUrl({ mailbox: 'sales@acme.inkbox.ai' }, URL_A)).resolves.toMatchObject({
        action: 'unchanged',
      });
      expect(active().map((s) => s.id)).toEqual([mailRow.id]);
    });
  });

  describe('{ mailbox }', () => {
    it('is the same owner as the bare address', async () => {
      const mailbox = kit.api.addMailbox('support@acme.inkbox.ai');
      const result = await kit.service.setWebhookUrl({ mailbox: 'support@acme.inkbox.ai' }, URL_A);
      expect(result).toMatchObject({
        ownerKind: 'mailbox',
        ownerId: mailbox.id,
        mailbox: { id: mailbox.id },
        action: 'created',
      });
      await expect(kit.service.setWebhookUrl('support@acme.inkbox.ai', URL_A)).resolves.toMatchObject({
        action: 'unchanged',
      });
    });
  });

  describe('incoming-call webhook', () => {
    it('setIncomingCallWebhookUrl PATCHes the number with action webhook and the URL; again: nothing sent', async () => {
      const phone = kit.api.addPhoneNumber(NUMBER);
      const url = 'https://app.example.com/inkbox/incoming-call';
      const result = await kit.service.setIncomingCallWebhookUrl(NUMBER, url);

      expect(kit.api.requests.map(wire)).toEqual([
        { method: 'GET', path: '/api/v1/phone/numbers', query: {}, body: undefined },
        {
          method: 'PATCH',
          path: `/api/v1/phone/numbers/${phone.id as string}`,
          query: {},
          body: { incoming_call_action: 'webhook', incoming_call_webhook_url: url },
        },
      ]);
      expect(result).toMatchObject({
        action: 'updated',
        phoneNumber: { incoming_call_action: 'webhook', incoming_call_webhook_url: url },
      });

      kit.api.clearRequests();
      await expect(kit.service.setIncomingCallWebhookUrl(NUMBER, url)).resolves.toMatchObject({ action: 'unchanged' });
      expect(kit.api.lines()).toEqual(['GET /api/v1/phone/numbers']);
    });

    it('disableIncomingCallWebhook switches to auto_reject (or the given action) and clears the URL; again: false', async () => {
      const phone = kit.api.addPhoneNumber(NUMBER);
      await kit.service.setIncomingCallWebhookUrl(NUMBER, 'https://app.example.com/inkbox/incoming-call');
      kit.api.clearRequests();

      await expect(kit.service.disableIncomingCallWebhook(NUMBER)).resolves.toBe(true);
      expect(kit.api.requests.map(wire)[1]).toEqual({
        method: 'PATCH',
        path: `/api/v1/phone/numbers/${phone.id as string}`,
        query: {},
        body: { incoming_call_action: 'auto_reject', incoming_call_webhook_url: null },
      });
      expect(kit.api.phoneNumbers.get(NUMBER)).toMatchObject({
        incoming_call_action: 'auto_reject',
        incoming_call_webhook_url: null,
      });

      kit.api.clearRequests();
      await expect(kit.service.disableIncomingCallWebhook(NUMBER)).resolves.toBe(false);
      expect(kit.api.lines()).toEqual(['GET /api/v1/phone/numbers']);

      await kit.service.setIncomingCallWebhookUrl(NUMBER, 'https://app.example.com/inkbox/incoming-call');
      await expect(kit.service.disableIncomingCallWebhook(NUMBER, { action: 'hosted_agent' })).resolves.toBe(true);
      expect(kit.api.phoneNumbers.get(NUMBER)!.incoming_call_action).toBe('hosted_agent');
    });
  });

  describe('client-side checks: an InkboxConfigurationError before any request', () => {
    const cases: Array<[string, (k: AdminKit) => Promise<unknown>, RegExp]> = [
      ['an empty owner object', (k) => k.service.setWebhookUrl({} as never, URL_A), /exactly one of \{ mailbox \}/],
      [
        'two owners',
        (k) => k.service.setWebhookUrl({ mailbox: 'a@b.c', phoneNumber: NUMBER } as never, URL_A),
        /exactly one of/,
      ],
      ['an unknown owner key', (k) => k.service.disableWebhook({ phone: NUMBER } as never), /exactly one of/],
      ['a number not in E.164', (k) => k.service.setWebhookUrl({ phoneNumber: '555-123-0000' }, URL_A), /E\.164/],
      [
        'an empty handle',
        (k) => k.service.setWebhookUrl({ agentHandle: ' ' }, URL_A),
        /agentHandle must be a non-empty string/,
      ],
      [
        'a text type for a mailbox',
        (k) => k.service.setWebhookUrl('a@b.c', URL_A, { eventTypes: ['text.received'] }),
        /"text\.received" is owned by a phone number, not a mailbox/,
      ],
      [
        'a mail type for a phone number',
        (k) => k.service.setWebhookUrl({ phoneNumber: NUMBER }, URL_A, { eventTypes: ['message.received'] }),
        /owned by a mailbox, not a phone number/,
      ],
      [
        'an iMessage type for a phone number',
        (k) => k.service.setWebhookUrl({ phoneNumber: NUMBER }, URL_A, { eventTypes: ['imessage.received'] }),
        /owned by an agent identity/,
      ],
      ['no event types', (k) => k.service.setWebhookUrl('a@b.c', URL_A, { eventTypes: [] }), /non-empty list/],
      [
        'a duplicate type',
        (k) => k.service.setWebhookUrl('a@b.c', URL_A, { eventTypes: ['message.sent', 'message.sent'] }),
        /"message\.sent" more than once/,
      ],
      ['an empty type', (k) => k.service.setWebhookUrl('a@b.c', URL_A, { eventTypes: [''] }), /non-empty strings/],
      [
        'phone.incoming_call',
        (k) => k.service.setWebhookUrl({ phoneNumber: NUMBER }, URL_A, { eventTypes: ['phone.incoming_call'] }),
        /setIncomingCallWebhookUrl/,
      ],
      [
        'a type of no channel',
        (k) => k.service.setWebhookUrl('a@b.c', URL_A, { eventTypes: ['mail.received'] }),
        /no Inkbox event channel/,
      ],
      [
        'context on A2A only',
        (k) =>
          k.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A, {
            eventTypes: ['a2a.task.created'],
            contextConfig: { email: { mode: 'count', count: 3 } },
          }),
        /A2A subscriptions refuse it/,
      ],
      [
        'context on call.ended only',
        (k) =>
          k.service.setWebhookUrl({ agentHandle: HANDLE }, URL_A, {
            eventTypes: ['call.ended'],
            contextConfig: { calls: { mode: 'window', hours: 2 } },
          }),
        /contextConfig applies only to/,
      ],
      [
        'a context count out of range',
        (k) => k.service.setWebhookUrl('a@b.c', URL_A, { contextConfig: { email: { mode: 'count', count: 51 } } }),
        /count must be a whole number from 1 to 50/,
      ],
      [
        'an unknown context class',
        (k) =>
          k.service.setWebhookUrl('a@b.c', URL_A, { contextConfig: { sms: { mode: 'count', count: 1 } } as never }),
        /unknown class "sms"/,
      ],
      [
        'a legacy owner other than a mailbox',
        async (k) => {
          const legacy = await startKit({ webhookApi: 'mailbox-field', apiBaseUrl: k.api.baseUrl });
          try {
            return await legacy.service.setWebhookUrl({ phoneNumber: NUMBER }, URL_A);
          } finally {
            await legacy.stop();
          }
        },
        /mailbox-field' only sets mailbox webhooks/,
      ],
      [
        'create with two owners',
        (k) =>
          k.service.createSubscription({
            mailbox_id: 'm',
            phone_number_id: 'p',
            url: URL_A,
            event_types: ['message.sent'],
          } as never),
        /exactly one owner/,
      ],
      [
        'create with two channels',
        (k) =>
          k.service.createSubscription({
            agent_identity_id: 'i',
            url: URL_A,
            event_types: ['imessage.received', 'call.ended'],
          }),
        /one channel/,
      ],
      [
        'create with a type the owner lacks',
        (k) => k.service.createSubscription({ mailbox_id: 'm', url: URL_A, event_types: ['a2a.task.created'] }),
        /not a mailbox/,
      ],
      [
        'create A2A with context',
        (k) =>
          k.service.createSubscription({
            agent_identity_id: 'i',
            url: URL_A,
            event_types: ['a2a.task.created'],
            context_config: { email: { mode: 'count', count: 1 } },
          }),
        /not supported on A2A/,
      ],
      [
        'create with phone.incoming_call',
        (k) => k.service.createSubscription({ phone_number_id: 'p', url: URL_A, event_types: ['phone.incoming_call'] }),
        /not a subscription event/,
      ],
      [
        'update to two channels',
        (k) => k.service.updateSubscription('s', { event_types: ['text.sent', 'message.sent'] }),
        /one channel/,
      ],
      [
        'update with a bad context',
        (k) => k.service.updateSubscription('s', { context_config: { email: { mode: 'window', hours: 0 } } }),
        /hours must be a whole number from 1 to 168/,
      ],
      [
        'incoming-call URL for a non-E.164 number',
        (k) => k.service.setIncomingCallWebhookUrl('15551230000', URL_A),
        /E\.164/,
      ],
      [
        'disabling the incoming-call webhook into webhook',
        (k) => k.service.disableIncomingCallWebhook(NUMBER, { action: 'webhook' as never }),
        /action must be/,
      ],
    ];

    it.each(cases)('%s', async (_name, call, message) => {
      const error = await rejectionOf(call(kit));
      expect(error).toBeInstanceOf(InkboxConfigurationError);
      expect(error.name).toBe('InkboxConfigurationError');
      expect(error.message).toMatch(message);
      expect(kit.api.requests).toHaveLength(0);
    });
  });
});
