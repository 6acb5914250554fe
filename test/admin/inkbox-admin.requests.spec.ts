import { InkboxApiError } from '../../lib/admin/inkbox-api.error';
import { InkboxAdminService } from '../../lib/admin/inkbox-admin.service';
import { NESTJS_INKBOX_VERSION } from '../../lib/admin/version';
import { InkboxConfigurationError, resolveInkboxOptions } from '../../lib/options/inkbox-options';
import { expectStandardHeaders, rejectionOf, startKit, type AdminKit } from './admin-test-kit';

const ADDRESS = 'support+ops@acme.inkbox.ai';
const ENCODED = 'support%2Bops%40acme.inkbox.ai';

describe('InkboxAdminService: the request each method sends', () => {
  let kit: AdminKit;

  beforeEach(async () => {
    kit = await startKit();
  });

  afterEach(async () => {
    for (const request of kit.api.requests) expectStandardHeaders(request.headers, NESTJS_INKBOX_VERSION);
    await kit.stop();
  });

  /** The one request a call sent. */
  function onlyRequest() {
    expect(kit.api.requests).toHaveLength(1);
    return kit.api.requests[0]!;
  }

  describe('mailboxes', () => {
    it('listMailboxes: GET /api/v1/mail/mailboxes, returns the bare array', async () => {
      kit.api.addMailbox('a@acme.inkbox.ai');
      kit.api.addMailbox('b@acme.inkbox.ai');
      const mailboxes = await kit.service.listMailboxes();
      expect(mailboxes.map((m) => m.email_address)).toEqual(['b@acme.inkbox.ai', 'a@acme.inkbox.ai']);
      const request = onlyRequest();
      expect([request.method, request.target, request.rawBody]).toEqual(['GET', '/api/v1/mail/mailboxes', '']);
      expect(request.headers['content-type']).toBeUndefined();
    });

    it('getMailbox: URL-encodes the address in the path', async () => {
      const created = kit.api.addMailbox(ADDRESS);
      const mailbox = await kit.service.getMailbox(ADDRESS);
      expect(mailbox.id).toBe(created.id);
      expect(onlyRequest()).toMatchObject({ method: 'GET', target: `/api/v1/mail/mailboxes/${ENCODED}`, rawBody: '' });
    });

    it('updateMailbox: PATCH with a JSON body holding only filter_mode', async () => {
      kit.api.addMailbox(ADDRESS);
      const mailbox = await kit.service.updateMailbox(ADDRESS, { filter_mode: 'whitelist' });
      expect(mailbox.filter_mode).toBe('whitelist');
      expect(mailbox.filter_mode_change_notice?.new_filter_mode).toBe('whitelist');
      const request = onlyRequest();
      expect(request).toMatchObject({
        method: 'PATCH',
        target: `/api/v1/mail/mailboxes/${ENCODED}`,
        body: { filter_mode: 'whitelist' },
      });
      expect(request.headers['content-type']).toBe('application/json');
    });
  });

  describe('subscriptions', () => {
    it('listSubscriptions: GET with the filters as query parameters, unwraps {subscriptions}', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      const url = 'https://app.example.com/hooks?x=1&y=2';
      kit.api.addSubscription({ mailbox_id: mailbox.id, url });
      kit.api.addSubscription({ mailbox_id: mailbox.id, url: 'https://other.example.com/' });
      const list = await kit.service.listSubscriptions({ mailbox_id: mailbox.id as string, url });
      expect(list.map((s) => s.url)).toEqual([url]);
      const request = onlyRequest();
      expect(request.method).toBe('GET');
      expect(request.path).toBe('/api/v1/webhooks/subscriptions');
      expect(request.query).toEqual({ mailbox_id: mailbox.id, url });
    });

    it('listSubscriptions without a filter sends no query', async () => {
      await kit.service.listSubscriptions();
      expect(onlyRequest().target).toBe('/api/v1/webhooks/subscriptions');
    });

    it('getSubscription: GET /api/v1/webhooks/subscriptions/{id}', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      const row = kit.api.addSubscription({ mailbox_id: mailbox.id, url: 'https://a.example.com/h' });
      const subscription = await kit.service.getSubscription(row.id as string);
      expect(subscription).toEqual(row);
      expect(onlyRequest()).toMatchObject({
        method: 'GET',
        target: `/api/v1/webhooks/subscriptions/${row.id as string}`,
      });
    });

    it('createSubscription: POST the input as JSON, returns the minted signing_key once', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      const input = {
        mailbox_id: mailbox.id as string,
        url: 'https://a.example.com/h',
        event_types: ['message.received', 'message.bounced'],
      };
      const created = await kit.service.createSubscription(input);
      expect(created.signing_key).toMatch(/^whsec_minted_/);
      expect(created).toMatchObject({
        mailbox_id: mailbox.id,
        url: input.url,
        event_types: input.event_types,
        status: 'active',
      });
      expect(onlyRequest()).toMatchObject({ method: 'POST', target: '/api/v1/webhooks/subscriptions', body: input });
      const second = await kit.service.createSubscription({ ...input, url: 'https://b.example.com/h' });
      expect(second.signing_key).toBeNull();
    });

    it('updateSubscription: PATCH the patch as JSON', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      const row = kit.api.addSubscription({ mailbox_id: mailbox.id, url: 'https://a.example.com/h' });
      const patch = { url: 'https://b.example.com/h', event_types: ['message.failed'] };
      const updated = await kit.service.updateSubscription(row.id as string, patch);
      expect(updated).toMatchObject(patch);
      expect(onlyRequest()).toMatchObject({
        method: 'PATCH',
        target: `/api/v1/webhooks/subscriptions/${row.id as string}`,
        body: patch,
      });
    });

    it('deleteSubscription: DELETE, true when deleted and false when already gone (404)', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      const row = kit.api.addSubscription({ mailbox_id: mailbox.id, url: 'https://a.example.com/h' });
      await expect(kit.service.deleteSubscription(row.id as string)).resolves.toBe(true);
      await expect(kit.service.deleteSubscription(row.id as string)).resolves.toBe(false);
      expect(kit.api.lines()).toEqual([
        `DELETE /api/v1/webhooks/subscriptions/${row.id as string}`,
        `DELETE /api/v1/webhooks/subscriptions/${row.id as string}`,
      ]);
      expect(kit.api.requests[0]!.rawBody).toBe('');
    });
  });

  describe('signing keys', () => {
    it('rotateSigningKey: POST {} to the identity route, returns the plaintext', async () => {
      kit.api.addIdentity('sales team');
      const key = await kit.service.rotateSigningKey('sales team');
      expect(key.signing_key).toMatch(/^whsec_rotated_/);
      expect(typeof key.created_at).toBe('string');
      expect(onlyRequest()).toMatchObject({
        method: 'POST',
        target: '/api/v1/identities/sales%20team/signing-key',
        body: {},
      });
    });

    it('getSigningKeyStatus: GET the identity route', async () => {
      kit.api.addIdentity('ops', true);
      await expect(kit.service.getSigningKeyStatus('ops')).resolves.toMatchObject({ configured: true });
      expect(onlyRequest()).toMatchObject({ method: 'GET', target: '/api/v1/identities/ops/signing-key', rawBody: '' });
    });
  });

  describe('delivery log', () => {
    it('listDeliveries: GET with filters and paging as query, unwraps {deliveries}', async () => {
      for (let minute = 0; minute < 4; minute++)
        kit.api.addDelivery({ created_at: `2026-07-01T10:0${minute}:00Z`, response_status: 500 });
      const page = await kit.service.listDeliveries({
        success: false,
        limit: 2,
        offset: 1,
        event_type: 'message.received',
      });
      expect(page.map((d) => d.created_at)).toEqual(['2026-07-01T10:02:00Z', '2026-07-01T10:01:00Z']);
      const request = onlyRequest();
      expect(request.path).toBe('/api/v1/webhooks/deliveries');
      expect(request.query).toEqual({ success: 'false', limit: '2', offset: '1', event_type: 'message.received' });
    });

    it('replayDelivery: POST …/deliveries/{id}/replay without a body, returns the replay row', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      const subscription = kit.api.addSubscription({
        mailbox_id: mailbox.id,
        url: 'https://a.example.com/h',
      });
      const delivery = kit.api.addDelivery({
        created_at: '2026-07-01T10:00:00Z',
        webhook_subscription_id: subscription.id,
      });
      const replay = await kit.service.replayDelivery(delivery.id as string);
      expect(replay).toMatchObject({ is_replay: true, event_id: delivery.event_id, url: 'https://a.example.com/h' });
      expect(onlyRequest()).toMatchObject({
        method: 'POST',
        target: `/api/v1/webhooks/deliveries/${delivery.id as string}/replay`,
        rawBody: '',
      });
    });
  });

  describe('errors', () => {
    it('a 404 becomes an InkboxApiError with status, detail, method and path', async () => {
      const error = await rejectionOf(kit.service.getMailbox('nobody@acme.inkbox.ai'));
      expect(InkboxApiError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        name: 'InkboxApiError',
        status: 404,
        detail: 'Mailbox not found',
        method: 'GET',
        path: '/api/v1/mail/mailboxes/nobody%40acme.inkbox.ai',
        attempts: 1,
      });
      expect(error.message).toBe(
        'Inkbox API GET /api/v1/mail/mailboxes/nobody%40acme.inkbox.ai failed with status 404: Mailbox not found.',
      );
    });

    it('a FastAPI validation detail (422) is worded field by field', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      kit.api.fail('POST', /subscriptions$/, {
        kind: 'status',
        status: 422,
        body: {
          detail: [
            { loc: ['body', 'url'], msg: 'URL scheme should be https', type: 'url_scheme' },
            { loc: ['body', 'event_types', 0], msg: 'bad type', type: 'x' },
          ],
        },
      });
      const error = await rejectionOf(
        kit.service.createSubscription({
          mailbox_id: mailbox.id as string,
          url: 'http://a.example.com',
          event_types: ['message.recieved'],
        }),
      );
      expect(error.message).toContain(
        'failed with status 422: body.url: URL scheme should be https; body.event_types.0: bad type',
      );
      expect((error as InkboxApiError).detail).toHaveLength(2);
    });

    it('the 21st subscription of a mailbox is a 409 with the server detail', async () => {
      const mailbox = kit.api.addMailbox(ADDRESS);
      for (let i = 0; i < 20; i++)
        kit.api.addSubscription({ mailbox_id: mailbox.id, url: `https://a.example.com/${i}` });
      const error = await rejectionOf(
        kit.service.createSubscription({
          mailbox_id: mailbox.id as string,
          url: 'https://a.example.com/21',
          event_types: ['message.sent'],
        }),
      );
      expect(error).toMatchObject({ status: 409, detail: 'Subscription limit reached for this owner (20)' });
      expect(kit.api.requests).toHaveLength(1);
    });

    it('401 says to check the apiKey option', async () => {
      kit.api.fail('GET', /mailboxes$/, { kind: 'status', status: 401, body: { detail: 'Invalid API key' } });
      const error = await rejectionOf(kit.service.listMailboxes());
      expect(error.message).toMatch(/401: Invalid API key\. .*check the apiKey option/);
    });

    it('rejects bad arguments before sending anything', async () => {
      await expect(kit.service.getMailbox('')).rejects.toThrow('emailAddress must be a non-empty string');
      await expect(kit.service.setWebhookUrl(ADDRESS, 'not a url')).rejects.toThrow(
        'url must be an absolute http(s) URL',
      );
      await expect(kit.service.replayFailedDeliveries({ since: 'yesterday-ish' })).rejects.toThrow(
        'since must be a Date',
      );
      expect(kit.api.requests).toHaveLength(0);
    });
  });

  describe('without an apiKey', () => {
    it('constructs fine and fails on first use with a message naming the apiKey option, sending nothing', async () => {
      const options = resolveInkboxOptions({ signingKey: 'whsec_x', apiBaseUrl: kit.api.baseUrl });
      const service = new InkboxAdminService(options);
      const error = await rejectionOf(service.listMailboxes());
      expect(error).toBeInstanceOf(InkboxConfigurationError);
      expect(error.message).toContain('needs the apiKey option');
      await expect(service.setWebhookUrl(ADDRESS, 'https://a.example.com/h')).rejects.toThrow('apiKey');
      expect(kit.api.requests).toHaveLength(0);
    });
  });
});
