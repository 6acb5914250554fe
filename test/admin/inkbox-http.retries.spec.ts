import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { InkboxConnectionError } from '../../lib/admin/inkbox-connection.error';
import { InkboxAdminService } from '../../lib/admin/inkbox-admin.service';
import { backoffDelay, isRetryableFailure, parseRetryAfter } from '../../lib/admin/inkbox-retry.policy';
import { InkboxApiError } from '../../lib/admin/inkbox-api.error';
import { resolveInkboxOptions } from '../../lib/options/inkbox-options';
import { API_KEY, captureLogs, rejectionOf, startKit, type AdminKit } from './admin-test-kit';

const ADDRESS = 'ops@acme.inkbox.ai';
const MAILBOX = /\/mail\/mailboxes\/ops@acme\.inkbox\.ai$/;
const unavailable = { kind: 'status', status: 503, body: { detail: 'Service Unavailable' } } as const;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('retry policy (pure functions)', () => {
  it('parseRetryAfter reads delta-seconds and HTTP dates', () => {
    const now = Date.parse('2026-08-01T12:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(1500);
    expect(parseRetryAfter('Sat, 01 Aug 2026 12:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('Sat, 01 Aug 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backoffDelay is full jitter on an exponential ceiling with a cap', () => {
    const almostOne = () => 0.9999;
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, 100, 500, almostOne))).toEqual([
      99, 199, 399, 499, 499,
    ]);
    expect(backoffDelay(3, 100, 500, () => 0)).toBe(0);
  });

  it('isRetryableFailure: POSTs only after failures that prove nothing was done', () => {
    const api = (status: number) => new InkboxApiError({ status, detail: null, method: 'POST', path: '/x' });
    const net = (reason: InkboxConnectionError['reason']) =>
      new InkboxConnectionError({ reason, method: 'POST', path: '/x', host: 'h', timeoutMs: 1 });
    expect([429, 500, 503, 408, 409, 404].map((s) => isRetryableFailure(api(s), 'idempotent'))).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
    expect([429, 500, 503, 408].map((s) => isRetryableFailure(api(s), 'unprocessed'))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(
      (['timeout', 'connection-closed', 'connection-refused', 'dns', 'network'] as const).map((r) =>
        isRetryableFailure(net(r), 'unprocessed'),
      ),
    ).toEqual([false, false, true, true, false]);
    expect(isRetryableFailure(net('timeout'), 'idempotent')).toBe(true);
    expect(isRetryableFailure(api(503), 'never')).toBe(false);
    expect(isRetryableFailure(new Error('bug'), 'idempotent')).toBe(false);
  });
});

describe('InkboxAdminService retries and failures (real HTTP)', () => {
  let kit: AdminKit;
  let logs: string[];

  beforeEach(() => {
    logs = captureLogs();
  });

  afterEach(async () => {
    await kit.stop();
    for (const line of [...logs, ...kit.api.lines()]) expect(line).not.toContain(API_KEY);
    for (const request of kit.api.requests) expect(request.rawBody).not.toContain(API_KEY);
  });

  describe('idempotent calls', () => {
    beforeEach(async () => {
      kit = await startKit();
      kit.api.addMailbox(ADDRESS);
    });

    it('retries a GET on 503 with jittered exponential backoff, then succeeds', async () => {
      kit.api.fail('GET', MAILBOX, unavailable, 2);
      await expect(kit.service.getMailbox(ADDRESS)).resolves.toMatchObject({ email_address: ADDRESS });
      expect(kit.api.requests).toHaveLength(3);
      expect(kit.sleeps).toEqual([250, 500]);
      expect(logs.filter((l) => l.startsWith('warn'))).toEqual([
        expect.stringContaining(
          'GET /api/v1/mail/mailboxes/ops%40acme.inkbox.ai: attempt 1 of 4 failed (status 503); retrying in 250 ms',
        ),
        expect.stringContaining('attempt 2 of 4 failed (status 503); retrying in 500 ms'),
      ]);
    });

    it('honours Retry-After in seconds on a 429', async () => {
      kit.api.fail('GET', MAILBOX, {
        kind: 'status',
        status: 429,
        body: { detail: 'Too Many Requests' },
        headers: { 'Retry-After': '1' },
      });
      await kit.service.getMailbox(ADDRESS);
      expect(kit.api.requests).toHaveLength(2);
      expect(kit.sleeps).toEqual([1000]);
    });

    it('honours Retry-After as an HTTP date', async () => {
      const when = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000).toUTCString();
      kit.api.fail('GET', MAILBOX, { kind: 'status', status: 503, headers: { 'Retry-After': when } });
      await kit.service.getMailbox(ADDRESS);
      expect(kit.sleeps).toHaveLength(1);
      expect(kit.sleeps[0]).toBeGreaterThan(2000);
      expect(kit.sleeps[0]).toBeLessThanOrEqual(4000);
    });

    it('gives up at once when Retry-After asks for more than maxRetryAfterMs', async () => {
      kit.api.fail('GET', MAILBOX, {
        kind: 'status',
        status: 429,
        body: { detail: 'Slow down' },
        headers: { 'Retry-After': '3600' },
      });
      const error = await rejectionOf(kit.service.getMailbox(ADDRESS));
      expect(error).toMatchObject({ status: 429, retryAfterMs: 3_600_000, attempts: 1 });
      expect(error.message).toContain('rate limiting');
      expect(kit.sleeps).toEqual([]);
    });

    it('stops after apiMaxAttempts and says so', async () => {
      kit.api.fail('GET', MAILBOX, unavailable, 99);
      const error = await rejectionOf(kit.service.getMailbox(ADDRESS));
      expect(error).toMatchObject({ status: 503, detail: 'Service Unavailable', attempts: 4 });
      expect(error.message).toMatch(/failed with status 503: Service Unavailable\. \(gave up after 4 attempts\)$/);
      expect(kit.api.requests).toHaveLength(4);
      expect(kit.sleeps).toEqual([250, 500, 1000]);
    });

    it('never retries a 4xx other than 408/429', async () => {
      kit.api.fail('GET', MAILBOX, { kind: 'status', status: 400, body: { detail: 'Bad Request' } });
      await expect(kit.service.getMailbox(ADDRESS)).rejects.toMatchObject({ status: 400, attempts: 1 });
      expect(kit.api.requests).toHaveLength(1);
    });

    it('retries a PATCH whose connection was destroyed, and a DELETE after a 502', async () => {
      const sub = kit.api.addSubscription({
        mailbox_id: kit.api.mailboxes.get(ADDRESS)!.id,
        url: 'https://a.example.com/h',
      });
      kit.api.fail('PATCH', /subscriptions\//, { kind: 'destroy' });
      kit.api.fail('DELETE', /subscriptions\//, { kind: 'status', status: 502 });
      await expect(
        kit.service.updateSubscription(sub.id as string, { event_types: ['message.sent'] }),
      ).resolves.toMatchObject({ event_types: ['message.sent'] });
      await expect(kit.service.deleteSubscription(sub.id as string)).resolves.toBe(true);
      expect(kit.api.lines().map((l) => l.split(' ')[0])).toEqual(['PATCH', 'PATCH', 'DELETE', 'DELETE']);
    });
  });

  describe('POST calls that create', () => {
    let mailboxId: string;
    const input = () => ({ mailbox_id: mailboxId, url: 'https://a.example.com/h', event_types: ['message.received'] });

    beforeEach(async () => {
      kit = await startKit();
      mailboxId = kit.api.addMailbox(ADDRESS).id as string;
    });

    it('createSubscription is not retried after a 503', async () => {
      kit.api.fail('POST', /subscriptions$/, unavailable);
      await expect(kit.service.createSubscription(input())).rejects.toMatchObject({ status: 503, attempts: 1 });
      expect(kit.api.requests).toHaveLength(1);
      expect(kit.sleeps).toEqual([]);
    });

    it('createSubscription is not retried when its answer is lost (the subscription exists)', async () => {
      kit.api.fail('POST', /subscriptions$/, { kind: 'drop-response' });
      const error = await rejectionOf(kit.service.createSubscription(input()));
      expect(error).toMatchObject({
        name: 'InkboxConnectionError',
        reason: 'connection-closed',
        method: 'POST',
        attempts: 1,
      });
      expect(kit.api.requests).toHaveLength(1);
      expect(kit.api.subscriptions.size).toBe(1);
    });

    it('createSubscription is retried after a 429 (nothing was created), honouring Retry-After', async () => {
      kit.api.fail('POST', /subscriptions$/, { kind: 'status', status: 429, headers: { 'Retry-After': '2' } });
      await expect(kit.service.createSubscription(input())).resolves.toMatchObject({ url: 'https://a.example.com/h' });
      expect(kit.api.requests).toHaveLength(2);
      expect(kit.sleeps).toEqual([2000]);
      expect(kit.api.subscriptions.size).toBe(1);
    });

    it('replayDelivery is not retried after a 500', async () => {
      kit.api.fail('POST', /replay$/, { kind: 'status', status: 500 });
      await expect(kit.service.replayDelivery('d-1')).rejects.toMatchObject({ status: 500, attempts: 1 });
      expect(kit.api.requests).toHaveLength(1);
    });
  });

  describe('timeouts and connections', () => {
    it('a response slower than apiTimeoutMs is an InkboxConnectionError (timeout); one attempt when apiMaxAttempts is 1', async () => {
      // the slow answer never comes within the test; no wall-clock bound is asserted
      kit = await startKit({ apiTimeoutMs: 500, apiMaxAttempts: 1 });
      kit.api.addMailbox(ADDRESS);
      kit.api.fail('GET', MAILBOX, { kind: 'slow', delayMs: 120_000 });
      const error = await rejectionOf(kit.service.getMailbox(ADDRESS));
      expect(InkboxConnectionError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({
        reason: 'timeout',
        method: 'GET',
        path: '/api/v1/mail/mailboxes/ops%40acme.inkbox.ai',
        attempts: 1,
      });
      expect(error.message).toBe(
        'Inkbox API GET /api/v1/mail/mailboxes/ops%40acme.inkbox.ai failed: timed out: no complete answer within 500 ms (the apiTimeoutMs option).',
      );
    });

    it('a timed-out GET is retried and the next attempt succeeds', async () => {
      // a timeout the healthy second attempt meets even on a busy machine
      kit = await startKit({ apiTimeoutMs: 2000 });
      kit.api.addMailbox(ADDRESS);
      kit.api.fail('GET', MAILBOX, { kind: 'slow', delayMs: 120_000 });
      await expect(kit.service.getMailbox(ADDRESS)).resolves.toMatchObject({ email_address: ADDRESS });
      expect(kit.api.requests).toHaveLength(2);
    });

    it('a timed-out create is not retried', async () => {
      kit = await startKit({ apiTimeoutMs: 500 });
      const mailboxId = kit.api.addMailbox(ADDRESS).id as string;
      kit.api.fail('POST', /subscriptions$/, { kind: 'slow', delayMs: 120_000 });
      const error = await rejectionOf(
        kit.service.createSubscription({
          mailbox_id: mailboxId,
          url: 'https://a.example.com/h',
          event_types: ['message.sent'],
        }),
      );
      expect(error).toMatchObject({ reason: 'timeout', attempts: 1 });
      expect(kit.api.requests).toHaveLength(1);
    });

    it('a destroyed socket is a connection-closed InkboxConnectionError', async () => {
      kit = await startKit({ apiMaxAttempts: 1 });
      kit.api.fail('GET', /mailboxes$/, { kind: 'destroy' });
      const error = await rejectionOf(kit.service.listMailboxes());
      expect(error).toMatchObject({ name: 'InkboxConnectionError', reason: 'connection-closed' });
      expect(error.message).toContain('was closed before a complete answer arrived');
    });

    it('a refused connection names the host, is retried up to apiMaxAttempts (also for POST), and says so', async () => {
      kit = await startKit({ apiMaxAttempts: 3 });
      const port = await closedPort();
      const options = resolveInkboxOptions({
        signingKey: 'whsec_x',
        apiKey: API_KEY,
        apiBaseUrl: `http://127.0.0.1:${port}`,
        apiMaxAttempts: 3,
      });
      const sleeps: number[] = [];
      const service = new InkboxAdminService(options, { sleep: async (ms) => void sleeps.push(ms), random: () => 0 });
      const error = await rejectionOf(service.listMailboxes());
      expect(error).toMatchObject({ name: 'InkboxConnectionError', reason: 'connection-refused', attempts: 3 });
      expect(error.message).toContain(`connection refused by 127.0.0.1:${port} (check the apiBaseUrl option)`);
      const postError = await rejectionOf(service.replayDelivery('d-1'));
      expect(postError).toMatchObject({ reason: 'connection-refused', attempts: 3 });
      expect(sleeps).toEqual([0, 0, 0, 0]);
    });
  });

  describe('the API key stays secret', () => {
    it('appears in no request line, body, log line or error, even when the server echoes it', async () => {
      kit = await startKit({ apiTimeoutMs: 2000, apiMaxAttempts: 2 });
      kit.api.addMailbox(ADDRESS);
      kit.api.fail('GET', /mailboxes$/, {
        kind: 'status',
        status: 401,
        body: { detail: `Invalid API key ${API_KEY}`, key: API_KEY },
      });
      kit.api.fail(
        'GET',
        MAILBOX,
        { kind: 'status', status: 500, body: `<html>key=${API_KEY}</html>` as unknown as object },
        2,
      );
      kit.api.fail('POST', /subscriptions$/, { kind: 'slow', delayMs: 120_000 });
      kit.api.fail('PATCH', MAILBOX, { kind: 'destroy' }, 2);

      const errors = [
        await rejectionOf(kit.service.listMailboxes()),
        await rejectionOf(kit.service.getMailbox(ADDRESS)),
        await rejectionOf(
          kit.service.createSubscription({
            mailbox_id: 'm',
            url: 'https://a.example.com/h',
            event_types: ['message.sent'],
          }),
        ),
        await rejectionOf(kit.service.updateMailbox(ADDRESS, { filter_mode: 'whitelist' })),
      ];
      expect(errors.map((e) => e.name)).toEqual([
        'InkboxApiError',
        'InkboxApiError',
        'InkboxConnectionError',
        'InkboxConnectionError',
      ]);
      expect(errors[0]!.message).toContain('Invalid API key [redacted]');
      for (const error of errors) {
        expect(inspect(error, { depth: 10 })).not.toContain(API_KEY);
        expect(JSON.stringify(error)).not.toContain(API_KEY);
      }
      expect(kit.api.requests.every((r) => r.headers['x-api-key'] === API_KEY)).toBe(true);
      expect(logs.length).toBeGreaterThan(0);
      expect(inspect(kit.service, { depth: 10, showHidden: true })).not.toContain(API_KEY);
    });
  });
});
