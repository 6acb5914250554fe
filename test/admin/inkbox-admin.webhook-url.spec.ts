import { InkboxApiError } from '../../lib/admin/inkbox-api.error';
import { captureLogs, rejectionOf, startKit, type AdminKit } from './admin-test-kit';

const ADDRESS = 'support@acme.inkbox.ai';
const ENCODED = 'support%40acme.inkbox.ai';
const URL_A = 'https://app.example.com/api/inkbox/webhooks';
const URL_B = 'https://backup.example.com/inkbox/webhooks';
const ALL_MAIL_EVENTS = [
  'message.received',
  'message.sent',
  'message.forwarded',
  'message.delivered',
  'message.bounced',
  'message.failed',
];

describe('InkboxAdminService.setWebhookUrl / disableWebhook (subscriptions API)', () => {
  let kit: AdminKit;
  let logs: string[];
  let mailboxId: string;

  beforeEach(async () => {
    logs = captureLogs();
    kit = await startKit();
    mailboxId = kit.api.addMailbox(ADDRESS).id as string;
  });

  afterEach(() => kit.stop());

  const activeSubscriptions = () => [...kit.api.subscriptions.values()].filter((s) => s.status === 'active');
  const lookupLines = (url: string) => [
    `GET /api/v1/mail/mailboxes/${ENCODED}`,
    `GET /api/v1/webhooks/subscriptions?mailbox_id=${mailboxId}&url=${encodeURIComponent(url)}`,
  ];

  it('creates a subscription for every message.* type and returns the minted signing key, unlogged', async () => {
    const result = await kit.service.setWebhookUrl(ADDRESS, URL_A);

    expect(kit.api.lines()).toEqual([...lookupLines(URL_A), 'POST /api/v1/webhooks/subscriptions']);
    expect(kit.api.requests[2]!.body).toEqual({ mailbox_id: mailboxId, url: URL_A, event_types: ALL_MAIL_EVENTS });
    expect(result.action).toBe('created');
    expect(result.mailbox.id).toBe(mailboxId);
    expect(result.signingKey).toMatch(/^whsec_minted_/);
    expect(result.subscription).toMatchObject({ mailbox_id: mailboxId, url: URL_A, event_types: ALL_MAIL_EVENTS });
    expect(result.subscription).not.toHaveProperty('signing_key');
    expect(logs.join('\n')).not.toContain(result.signingKey!);
  });

  it('is idempotent: a second call finds the subscription and changes nothing', async () => {
    const first = await kit.service.setWebhookUrl(ADDRESS, URL_A);
    kit.api.clearRequests();
    const second = await kit.service.setWebhookUrl(ADDRESS, URL_A);

    expect(kit.api.lines()).toEqual(lookupLines(URL_A));
    expect(second).toMatchObject({ action: 'unchanged', subscription: { id: first.subscription!.id } });
    expect(second.signingKey).toBeUndefined();
    expect(second.signingKeyMayBeLost).toBeUndefined();
    expect(activeSubscriptions()).toHaveLength(1);
  });

  it('updates the event types of the existing subscription with a PATCH', async () => {
    const first = await kit.service.setWebhookUrl(ADDRESS, URL_A);
    kit.api.clearRequests();
    const result = await kit.service.setWebhookUrl(ADDRESS, URL_A, {
      eventTypes: ['message.received', 'message.bounced'],
    });

    expect(kit.api.lines()).toEqual([
      ...lookupLines(URL_A),
      `PATCH /api/v1/webhooks/subscriptions/${first.subscription!.id}`,
    ]);
    expect(kit.api.requests[2]!.body).toEqual({ event_types: ['message.received', 'message.bounced'] });
    expect(result).toMatchObject({
      action: 'updated',
      subscription: { event_types: ['message.received', 'message.bounced'] },
    });
    expect(activeSubscriptions()).toHaveLength(1);
  });

  it('compares event types as sets: the same types in another order are unchanged, other types of the same count are not', async () => {
    const row = kit.api.addSubscription({
      mailbox_id: mailboxId,
      url: URL_A,
      event_types: ['message.received', 'message.sent'],
    });
    const same = await kit.service.setWebhookUrl(ADDRESS, URL_A, { eventTypes: ['message.sent', 'message.received'] });
    expect(same.action).toBe('unchanged');
    expect(kit.api.requests.map((r) => r.method)).toEqual(['GET', 'GET']);

    kit.api.clearRequests();
    const other = await kit.service.setWebhookUrl(ADDRESS, URL_A, {
      eventTypes: ['message.received', 'message.bounced'],
    });
    expect(other.action).toBe('updated');
    expect(kit.api.lines()).toEqual([
      ...lookupLines(URL_A),
      `PATCH /api/v1/webhooks/subscriptions/${row.id as string}`,
    ]);
    expect(kit.api.requests[2]!.body).toEqual({ event_types: ['message.received', 'message.bounced'] });
    expect(kit.api.subscriptions.get(row.id as string)!.event_types).toEqual(['message.received', 'message.bounced']);
  });

  it('adds a second URL as a second subscription (fan-out) and returns no key when the identity has one', async () => {
    await kit.service.setWebhookUrl(ADDRESS, URL_A);
    const second = await kit.service.setWebhookUrl(ADDRESS, URL_B);
    expect(second.action).toBe('created');
    expect(second.signingKey).toBeUndefined();
    expect(
      activeSubscriptions()
        .map((s) => s.url)
        .sort(),
    ).toEqual([URL_A, URL_B].sort());
  });

  it('a create whose answer was lost is found on the retry: still one subscription, flagged', async () => {
    kit.api.fail('POST', /\/webhooks\/subscriptions$/, { kind: 'drop-response' });
    const result = await kit.service.setWebhookUrl(ADDRESS, URL_A);

    expect(kit.api.lines()).toEqual([
      ...lookupLines(URL_A),
      'POST /api/v1/webhooks/subscriptions',
      ...lookupLines(URL_A),
    ]);
    expect(activeSubscriptions()).toHaveLength(1);
    expect(result).toMatchObject({ action: 'unchanged', signingKeyMayBeLost: true });
    expect(result.signingKey).toBeUndefined();
    expect(kit.sleeps).toEqual([250]);
  });

  it('retries the whole operation after a 5xx on the create: look up again, then create once', async () => {
    kit.api.fail('POST', /\/webhooks\/subscriptions$/, {
      kind: 'status',
      status: 503,
      body: { detail: 'Service Unavailable' },
    });
    const result = await kit.service.setWebhookUrl(ADDRESS, URL_A);

    const post = 'POST /api/v1/webhooks/subscriptions';
    expect(kit.api.lines()).toEqual([...lookupLines(URL_A), post, ...lookupLines(URL_A), post]);
    expect(result.action).toBe('created');
    expect(result.signingKey).toMatch(/^whsec_minted_/);
    expect(activeSubscriptions()).toHaveLength(1);
  });

  it('retries the whole operation after a 5xx on the lookup, bounded by apiMaxAttempts (no nested retries)', async () => {
    kit.api.fail('GET', /\/mail\/mailboxes\//, { kind: 'status', status: 502 }, 10);
    const error = await rejectionOf(kit.service.setWebhookUrl(ADDRESS, URL_A));

    expect(kit.api.lines()).toEqual(Array(4).fill(`GET /api/v1/mail/mailboxes/${ENCODED}`));
    expect(error).toMatchObject({ status: 502, attempts: 4 });
    expect(kit.sleeps).toEqual([250, 500, 1000]);
    expect(logs.filter((line) => line.startsWith('warn') && line.includes(`setWebhookUrl(${ADDRESS})`))).toHaveLength(
      3,
    );
  });

  it('does not retry a missing mailbox (404)', async () => {
    const error = await rejectionOf(kit.service.setWebhookUrl('nobody@acme.inkbox.ai', URL_A));
    expect(error).toMatchObject({ status: 404, detail: 'Mailbox not found', attempts: 1 });
    expect(kit.api.requests).toHaveLength(1);
  });

  it('disableWebhook(email, url) deletes that subscription only and counts it; again → 0', async () => {
    const a = kit.api.addSubscription({ mailbox_id: mailboxId, url: URL_A });
    const b = kit.api.addSubscription({ mailbox_id: mailboxId, url: URL_B });
    const other = kit.api.addSubscription({
      mailbox_id: kit.api.addMailbox('other@acme.inkbox.ai').id,
      url: URL_A,
    });

    await expect(kit.service.disableWebhook(ADDRESS, URL_A)).resolves.toBe(1);
    expect(kit.api.lines()).toEqual([...lookupLines(URL_A), `DELETE /api/v1/webhooks/subscriptions/${a.id as string}`]);
    expect(
      activeSubscriptions()
        .map((s) => s.id)
        .sort(),
    ).toEqual([b.id, other.id].sort());

    kit.api.clearRequests();
    await expect(kit.service.disableWebhook(ADDRESS, URL_A)).resolves.toBe(0);
    expect(kit.api.lines()).toEqual(lookupLines(URL_A));
  });

  it('disableWebhook(email) deletes every subscription of the mailbox and nothing else', async () => {
    kit.api.addSubscription({ mailbox_id: mailboxId, url: URL_A });
    kit.api.addSubscription({ mailbox_id: mailboxId, url: URL_B });
    const other = kit.api.addSubscription({
      mailbox_id: kit.api.addMailbox('other@acme.inkbox.ai').id,
      url: URL_A,
    });

    await expect(kit.service.disableWebhook(ADDRESS)).resolves.toBe(2);
    expect(kit.api.requests[1]!.target).toBe(`/api/v1/webhooks/subscriptions?mailbox_id=${mailboxId}`);
    expect(kit.api.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
    expect(activeSubscriptions().map((s) => s.id)).toEqual([other.id]);
  });

  it('disableWebhook counts a subscription deleted meanwhile (404 on DELETE) as already gone', async () => {
    kit.api.addSubscription({ mailbox_id: mailboxId, url: URL_A });
    kit.api.fail('DELETE', /subscriptions\//, {
      kind: 'status',
      status: 404,
      body: { detail: 'Webhook subscription not found' },
    });
    await expect(kit.service.disableWebhook(ADDRESS, URL_A)).resolves.toBe(0);
  });

  it("disableWebhook retries a DELETE whose answer was dropped; the retry's 404 counts as removed by this call", async () => {
    kit.api.addSubscription({ mailbox_id: mailboxId, url: URL_A });
    kit.api.fail('DELETE', /subscriptions\//, { kind: 'drop-response' });
    await expect(kit.service.disableWebhook(ADDRESS, URL_A)).resolves.toBe(1);
    expect(kit.api.requests.filter((r) => r.method === 'DELETE')).toHaveLength(2);
    expect(activeSubscriptions()).toHaveLength(0);
  });
});

describe("InkboxAdminService with webhookApi: 'mailbox-field' (legacy deployments)", () => {
  let kit: AdminKit;

  afterEach(() => kit.stop());

  it('sets webhook_url with a PATCH, then clears it with webhook_url: null', async () => {
    kit = await startKit({ webhookApi: 'mailbox-field' });
    kit.api.mode = 'legacy';
    kit.api.addMailbox(ADDRESS);

    const result = await kit.service.setWebhookUrl(ADDRESS, URL_A);
    expect(result).toMatchObject({ action: 'updated', subscription: null, mailbox: { webhook_url: URL_A } });
    await expect(kit.service.disableWebhook(ADDRESS, URL_B)).resolves.toBe(0);
    await expect(kit.service.disableWebhook(ADDRESS, URL_A)).resolves.toBe(1);
    await expect(kit.service.disableWebhook(ADDRESS)).resolves.toBe(0);

    const mailboxPath = `/api/v1/mail/mailboxes/${ENCODED}`;
    expect(kit.api.lines()).toEqual([
      `PATCH ${mailboxPath}`,
      `GET ${mailboxPath}`,
      `GET ${mailboxPath}`,
      `PATCH ${mailboxPath}`,
      `GET ${mailboxPath}`,
    ]);
    const patches = kit.api.requests.filter((r) => r.method === 'PATCH');
    expect(patches.map((r) => r.rawBody)).toEqual([
      JSON.stringify({ webhook_url: URL_A }),
      JSON.stringify({ webhook_url: null }),
    ]);
    expect(kit.api.mailboxes.get(ADDRESS)!.webhook_url).toBeNull();
    expect(kit.api.subscriptions.size).toBe(0);
  });

  it('against a current server, the 422 tells the user to switch to the default webhookApi', async () => {
    kit = await startKit({ webhookApi: 'mailbox-field' });
    kit.api.addMailbox(ADDRESS);

    const error = await rejectionOf(kit.service.setWebhookUrl(ADDRESS, URL_A));
    expect(InkboxApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 422, method: 'PATCH', attempts: 1 });
    expect(error.message).toContain('body.webhook_url: Extra inputs are not permitted');
    expect(error.message).toContain("remove webhookApi: 'mailbox-field'");
    expect(error.message).toContain("webhookApi: 'subscriptions'");

    const disableError = await rejectionOf(kit.service.disableWebhook(ADDRESS));
    expect(disableError.message).toContain("webhookApi: 'subscriptions'");
    expect(kit.api.requests.filter((r) => r.method === 'PATCH').map((r) => r.body)).toEqual([
      { webhook_url: URL_A },
      { webhook_url: null },
    ]);
  });
});
