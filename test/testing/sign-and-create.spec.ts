import { INKBOX_EVENT_FAMILIES, INKBOX_EVENT_TYPES, parseInkboxEvent } from '../../lib';
import { CLASS_OF } from '../support/event-classes';
import { createInkboxEvent, signInkboxWebhook, verifyWith } from './helpers';

describe('createInkboxEvent', () => {
  it.each(INKBOX_EVENT_TYPES)('builds a %s payload that the receiver accepts as its class', (type) => {
    const payload = createInkboxEvent(type);
    const event = parseInkboxEvent(JSON.stringify(payload));
    expect(event.event_type).toBe(type);
    expect(event.constructor.name).toBe(CLASS_OF[type]);
    expect(payload.id).toMatch(/^evt_[0-9a-f]{32}$/);
  });

  it('gives every call a fresh event id', () => {
    expect(createInkboxEvent('message.sent').id).not.toBe(createInkboxEvent('message.sent').id);
  });

  it('matches the direction and status Inkbox sends for each type', () => {
    const shape = INKBOX_EVENT_FAMILIES['message.*'].map((t) => {
      const { direction, status } = createInkboxEvent(t).data.message;
      return `${t}:${direction}/${status}`;
    });
    expect(shape).toEqual([
      'message.received:inbound/received',
      'message.sent:outbound/sent',
      'message.forwarded:outbound/sent',
      'message.delivered:outbound/delivered',
      'message.bounced:outbound/bounced',
      'message.failed:outbound/failed',
    ]);
  });

  it('merges deep-partial overrides: objects merge, arrays replace', () => {
    const payload = createInkboxEvent('message.bounced', {
      id: 'evt_fixed',
      data: { message: { to_addresses: ['gone@example.com'], subject: 'Hello' }, contacts: [] },
    });
    expect(payload.id).toBe('evt_fixed');
    expect(payload.data.message).toMatchObject({
      to_addresses: ['gone@example.com'],
      subject: 'Hello',
      status: 'bounced',
      direction: 'outbound',
    });
    expect(payload.data.contacts).toEqual([]);
    expect(payload.data.agent_identities).toEqual([]);
  });

  it('refuses an unknown event type with the list of known ones', () => {
    expect(() => createInkboxEvent('message.opened' as never)).toThrow(/message\.received, message\.sent/);
  });
});

describe('signInkboxWebhook', () => {
  it('reproduces the reference signature', () => {
    const signed = signInkboxWebhook('{"id":"evt_1","event_type":"message.received"}', {
      signingKey: 'whsec_example',
      requestId: 'req-1',
      timestamp: 1700000000,
    });
    expect(signed.headers).toEqual({
      'Content-Type': 'application/json',
      'X-Inkbox-Request-ID': 'req-1',
      'X-Inkbox-Timestamp': '1700000000',
      'X-Inkbox-Signature': 'sha256=d402a9e9e6d1eb37776238bc3e8b875dc714b1e2c72b990b82f2f65a4baa7ab2',
    });
  });

  it('serialises an object once and signs exactly the string it returns', () => {
    const payload = createInkboxEvent('message.received');
    const signed = signInkboxWebhook(payload, { signingKey: 'whsec_k' });
    expect(signed.body).toBe(JSON.stringify(payload));
    expect(verifyWith('whsec_k', signed.headers, signed.body).ok).toBe(true);
    expect(verifyWith('k', signed.headers, signed.body).ok).toBe(true);
    expect(verifyWith('whsec_other', signed.headers, signed.body)).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
    });
  });

  it('uses a fresh request id each time and the current time by default', () => {
    const a = signInkboxWebhook('{}', { signingKey: 'k' });
    const b = signInkboxWebhook('{}', { signingKey: 'k' });
    expect(a.headers['X-Inkbox-Request-ID']).not.toBe(b.headers['X-Inkbox-Request-ID']);
    expect(Math.abs(Number(a.headers['X-Inkbox-Timestamp']) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('refuses to sign without a key', () => {
    expect(() => signInkboxWebhook('{}', { signingKey: '' })).toThrow(/signingKey/);
  });
});
