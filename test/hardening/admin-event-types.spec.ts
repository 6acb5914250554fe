import { startKit, type AdminKit } from '../admin/admin-test-kit';

const ADDRESS = 'support@acme.inkbox.ai';
const URL_A = 'https://app.example.com/api/inkbox/webhooks';

describe('setWebhookUrl compares event-type lists by their members, not their length', () => {
  let kit: AdminKit;
  beforeEach(async () => {
    kit = await startKit();
    kit.api.addMailbox(ADDRESS);
  });
  afterEach(() => kit.stop());

  it('a list of the same length with another type updates the subscription', async () => {
    await kit.service.setWebhookUrl(ADDRESS, URL_A, { eventTypes: ['message.received', 'message.bounced'] });
    const result = await kit.service.setWebhookUrl(ADDRESS, URL_A, {
      eventTypes: ['message.received', 'message.failed'],
    });
    expect(result.action).not.toBe('unchanged');
    const [subscription] = [...kit.api.subscriptions.values()].filter((s) => s.status === 'active');
    expect([...(subscription!.event_types as string[])].sort()).toEqual(['message.failed', 'message.received']);
  });

  it('the same members in another order are unchanged', async () => {
    await kit.service.setWebhookUrl(ADDRESS, URL_A, { eventTypes: ['message.received', 'message.bounced'] });
    const result = await kit.service.setWebhookUrl(ADDRESS, URL_A, {
      eventTypes: ['message.bounced', 'message.received'],
    });
    expect(result.action).toBe('unchanged');
  });
});
