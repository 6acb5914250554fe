import { captureLogs, startKit, type AdminKit } from './admin-test-kit';

describe('InkboxAdminService.replayFailedDeliveries', () => {
  let kit: AdminKit;
  let active: string;
  let deleted: string;

  beforeEach(async () => {
    captureLogs();
    kit = await startKit();
    const mailboxId = kit.api.addMailbox('support@acme.inkbox.ai').id as string;
    active = kit.api.addSubscription({ mailbox_id: mailboxId, url: 'https://app.example.com/api/inkbox/webhooks' })
      .id as string;
    deleted = kit.api.addSubscription({
      mailbox_id: mailboxId,
      url: 'https://old.example.com/hooks',
      status: 'deleted',
    }).id as string;
  });

  afterEach(() => kit.stop());

  /** Failed deliveries (newest first): e1 twice (an Inkbox retry), e2, an incoming call, e4 on a deleted subscription, e6 long ago. */
  function seedOutage() {
    const at = (time: string) => `2026-07-31T${time}:00Z`;
    const rows = {
      e1Retry: kit.api.addDelivery({ created_at: at('10:05'), event_id: 'evt_1', webhook_subscription_id: active }),
      e1: kit.api.addDelivery({ created_at: at('10:00'), event_id: 'evt_1', webhook_subscription_id: active }),
      e3Ok: kit.api.addDelivery({
        created_at: at('09:30'),
        event_id: 'evt_3',
        webhook_subscription_id: active,
        response_status: 200,
      }),
      e2: kit.api.addDelivery({
        created_at: at('09:00'),
        event_id: 'evt_2',
        event_type: 'message.bounced',
        webhook_subscription_id: active,
        response_status: null,
        error_detail: 'connect timeout',
      }),
      call: kit.api.addDelivery({
        created_at: at('08:45'),
        event_id: 'call_1',
        event_type: 'phone.incoming_call',
        phone_number_id: 'p-1',
      }),
      e4: kit.api.addDelivery({ created_at: at('08:30'), event_id: 'evt_4', webhook_subscription_id: deleted }),
      e6: kit.api.addDelivery({ created_at: at('07:00'), event_id: 'evt_6', webhook_subscription_id: active }),
    };
    return rows;
  }

  it('pages through failures down to `since`, replays each event once, reports refusals and skips', async () => {
    const rows = seedOutage();
    const result = await kit.service.replayFailedDeliveries({ since: new Date('2026-07-31T08:00:00Z'), pageSize: 2 });

    expect(kit.api.lines()).toEqual(
      [
        '/api/v1/webhooks/deliveries?success=false&limit=2&offset=0',
        '/api/v1/webhooks/deliveries?success=false&limit=2&offset=2',
        '/api/v1/webhooks/deliveries?success=false&limit=2&offset=4',
      ]
        .map((target) => `GET ${target}`)
        .concat(
          [rows.e1Retry, rows.e2, rows.e4].map((row) => `POST /api/v1/webhooks/deliveries/${row.id as string}/replay`),
        ),
    );

    expect(result.replayed.map((r) => r.delivery.id)).toEqual([rows.e1Retry.id, rows.e2.id]);
    expect(result.replayed.map((r) => [r.replay.event_id, r.replay.is_replay, r.replay.response_status])).toEqual([
      ['evt_1', true, 200],
      ['evt_2', true, 200],
    ]);
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.delivery.id).toBe(rows.e4.id);
    expect(result.failed[0]!.error).toMatchObject({ status: 409, detail: 'Subscription is no longer active' });
    expect(result.failed[0]!.reason).toContain('409: Subscription is no longer active');
    expect(result.skipped.map((s) => s.delivery.id)).toEqual([rows.call.id]);
    expect(result.skipped[0]!.reason).toContain('cannot replay');
  });

  it('passes subscriptionId and eventType to the log query and stops at `limit` replays', async () => {
    seedOutage();
    const result = await kit.service.replayFailedDeliveries({
      subscriptionId: active,
      eventType: 'message.received',
      limit: 1,
    });
    expect(kit.api.requests[0]!.query).toEqual({
      success: 'false',
      subscription_id: active,
      event_type: 'message.received',
      limit: '100',
      offset: '0',
    });
    expect(kit.api.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(result.replayed.map((r) => r.delivery.event_id)).toEqual(['evt_1']);
  });

  it('without `since` walks the whole log (last page shorter than the page size) and skips rows marked not replayable', async () => {
    const rows = seedOutage();
    kit.api.addDelivery({
      created_at: '2026-07-31T06:00:00Z',
      event_id: 'evt_7',
      webhook_subscription_id: active,
      replayable: false,
      replay_unavailable_reason: 'payload expired',
    });
    const result = await kit.service.replayFailedDeliveries({ pageSize: 3 });
    expect(kit.api.requests.filter((r) => r.method === 'GET').map((r) => r.query.offset)).toEqual(['0', '3', '6']);
    expect(result.replayed.map((r) => r.delivery.event_id)).toEqual(['evt_1', 'evt_2', 'evt_6']);
    expect(result.failed.map((f) => f.delivery.id)).toEqual([rows.e4.id]);
    expect(result.skipped.map((s) => s.reason)).toEqual([expect.stringContaining('cannot replay'), 'payload expired']);
  });

  it('a replay whose connection drops is reported and the others still run', async () => {
    const rows = seedOutage();
    kit.api.fail('POST', new RegExp(`${rows.e1Retry.id as string}/replay$`), { kind: 'destroy' });
    const result = await kit.service.replayFailedDeliveries({ since: '2026-07-31T08:50:00Z' });
    expect(result.failed.map((f) => [f.delivery.event_id, f.error.name])).toEqual([['evt_1', 'InkboxConnectionError']]);
    expect(result.replayed.map((r) => r.delivery.event_id)).toEqual(['evt_2']);
    expect(kit.api.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  it('returns empty lists when nothing failed', async () => {
    await expect(kit.service.replayFailedDeliveries()).resolves.toEqual({ replayed: [], failed: [], skipped: [] });
    expect(kit.api.lines()).toEqual(['GET /api/v1/webhooks/deliveries?success=false&limit=100&offset=0']);
  });
});
