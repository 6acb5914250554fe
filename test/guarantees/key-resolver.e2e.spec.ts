import { createInkboxEvent } from '../../lib/testing';
import type { InkboxKeyContext } from '../../lib';
import { FIRST, SECOND, deliver, startGuaranteeApp, type GuaranteeApp } from './support/guarantee-app';

/** Each agent identity has its own signing key (support is mid-rotation: two keys). */
const KEYS: Record<string, string[]> = {
  billing: ['whsec_billing_key'],
  support: ['whsec_support_old', 'whsec_support_new'],
};

describe("signing-key resolver with webhookPath 'inkbox/webhooks/:identity'", () => {
  let g: GuaranteeApp;
  const seen: InkboxKeyContext[] = [];

  beforeAll(async () => {
    g = await startGuaranteeApp({
      webhookPath: 'inkbox/webhooks/:identity',
      signingKey: async (context) => {
        seen.push(context);
        if (context.params.identity === 'broken') throw new Error('secret store timed out');
        await Promise.resolve(); // e.g. a secret-manager lookup
        return KEYS[context.params.identity ?? ''];
      },
    });
  });
  afterAll(() => g.close());
  beforeEach(() => {
    seen.length = 0;
  });

  it("verifies each identity's deliveries with that identity's key and tells handlers the identity", async () => {
    const billing = createInkboxEvent('message.received');
    const res = await deliver(g.url, billing, { path: '/inkbox/webhooks/billing', key: 'whsec_billing_key' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcome: 'processed' });
    expect(g.probe.count(FIRST, billing.id)).toBe(1);
    expect(g.probe.deliveries.find((d) => d.eventKey === billing.id)?.params).toEqual({ identity: 'billing' });

    for (const key of KEYS.support!) {
      const support = createInkboxEvent('message.received');
      expect((await deliver(g.url, support, { path: '/inkbox/webhooks/support', key })).body).toEqual({
        outcome: 'processed',
      });
    }
  });

  it('gives the resolver the headers and the route parameter, never the body', async () => {
    await deliver(g.url, createInkboxEvent('message.received'), {
      path: '/inkbox/webhooks/billing',
      key: 'whsec_billing_key',
    });
    expect(seen).toHaveLength(1);
    const context = seen[0]!;
    expect(Object.keys(context).sort()).toEqual(['headers', 'params']);
    expect(context.params).toEqual({ identity: 'billing' });
    expect(typeof context.headers['x-inkbox-request-id']).toBe('string');
    expect(JSON.stringify(context)).not.toContain('message.received');
  });

  it('checks the headers and the timestamp before asking the resolver (400/401 without a lookup)', async () => {
    const event = createInkboxEvent('message.received');
    const stale = await deliver(g.url, event, {
      path: '/inkbox/webhooks/broken',
      key: 'whsec_billing_key',
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toMatch(/ old, more than the 300 s allowed/);
    expect(seen).toHaveLength(0);
  });

  it("rejects a delivery signed with another identity's key (401), running nothing", async () => {
    const event = createInkboxEvent('message.received');
    const res = await deliver(g.url, event, { path: '/inkbox/webhooks/billing', key: 'whsec_support_new' });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/does not match/);
    expect(JSON.stringify(res.body)).not.toMatch(/whsec_|billing_key|support_new/);
    expect(g.probe.count(FIRST, event.id) + g.probe.count(SECOND, event.id)).toBe(0);
  });

  it('answers 401 for an identity the resolver has no key for', async () => {
    const event = createInkboxEvent('message.received');
    const res = await deliver(g.url, event, { path: '/inkbox/webhooks/stranger', key: 'whsec_billing_key' });
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/No signing key is configured/);
    expect(g.probe.count(FIRST, event.id)).toBe(0);
  });

  it('answers 500 (so Inkbox retries) when the resolver throws, without leaking its error', async () => {
    const event = createInkboxEvent('message.received');
    const res = await deliver(g.url, event, { path: '/inkbox/webhooks/broken', key: 'whsec_billing_key' });
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/resolver failed/);
    expect(res.body.message).not.toContain('secret store');
    expect(g.probe.count(FIRST, event.id)).toBe(0);
  });

  it('does not serve the parameterless path', async () => {
    const res = await deliver(g.url, createInkboxEvent('message.received'), {
      path: '/inkbox/webhooks',
      key: 'whsec_billing_key',
    });
    expect(res.status).toBe(404);
  });

  it('deduplicates on the event id across identities (one event, handled once)', async () => {
    const event = createInkboxEvent('message.received');
    expect((await deliver(g.url, event, { path: '/inkbox/webhooks/billing', key: 'whsec_billing_key' })).body).toEqual({
      outcome: 'processed',
    });
    expect((await deliver(g.url, event, { path: '/inkbox/webhooks/support', key: 'whsec_support_old' })).body).toEqual({
      outcome: 'duplicate',
    });
    expect(g.probe.count(FIRST, event.id)).toBe(1);
  });
});
