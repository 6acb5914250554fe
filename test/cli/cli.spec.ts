import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { INKBOX_EVENT_TYPES } from '../../lib';
import { createApp } from '../support/apps';
import { SIGNING_KEY } from '../support/http';
import { CallLog } from '../support/recording-handlers';
import { CLI, ensureBuiltCli, runCli, type CliRun } from './built-cli';

const FORGED_KEY = 'whsec_forged_by_someone_else';
const API_KEY = 'ik_live_cli_spec_api_key_0123456789';
const ENV = { INKBOX_SIGNING_KEY: SIGNING_KEY };
const SECRETS = [
  SIGNING_KEY,
  SIGNING_KEY.replace(/^whsec_/, ''),
  FORGED_KEY,
  FORGED_KEY.replace(/^whsec_/, ''),
  API_KEY,
];

let dir: string;
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** No key, bare or prefixed, appears in anything the CLI printed. */
function expectNoKeys(run: CliRun): void {
  for (const secret of SECRETS) {
    expect(run.stdout).not.toContain(secret);
    expect(run.stderr).not.toContain(secret);
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'inkbox-cli-'));
  ensureBuiltCli();
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the built CLI', () => {
  it('is the file package.json points to, with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
      bin: Record<string, string>;
      version: string;
    };
    expect(pkg.bin['nestjs-inkbox']).toBe('./dist/cjs/cli/main.js');
    expect(CLI.endsWith('cjs/cli/main.js')).toBe(true);
    expect(readFileSync(CLI, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(CLI).size).toBeGreaterThan(0);
  });

  it('prints its help, and each command’s', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(/nestjs-inkbox send <event-type> --url <url>/);
    expect(main.stdout).toMatch(/nestjs-inkbox verify --headers <file> --body <file>/);
    expect(main.stdout).toMatch(/nestjs-inkbox replay-failed --since <time>/);
    for (const command of ['send', 'verify', 'replay-failed']) {
      const help = await runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: nestjs-inkbox ${command}`));
      expect(help.stderr).toBe('');
    }
    expect((await runCli(['send', '--help'])).stdout).toContain(INKBOX_EVENT_TYPES.join(', '));
    expect((await runCli(['replay-failed', '--help'])).stdout).toContain('InkboxAdminService.replayFailedDeliveries');
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
    const run = await runCli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('exits 2 on no command, an unknown command or an unknown option', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    const unknown = await runCli(['trigger']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "trigger"/);
    const option = await runCli(['send', 'message.sent', '--url', 'http://127.0.0.1:9', '--frobnicate'], ENV);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/--frobnicate/);
    expect(option.stderr).toMatch(/See nestjs-inkbox send --help/);
  });
});

describe('nestjs-inkbox send, against a listening Nest app', () => {
  let app: INestApplication;
  let log: CallLog;
  let url: string;

  beforeAll(async () => {
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    log = app.get(CallLog);
    url = `http://127.0.0.1:${(app.getHttpServer() as Server).address() && ((app.getHttpServer() as Server).address() as AddressInfo).port}/inkbox/webhooks`;
  });
  afterAll(() => app.close());
  beforeEach(() => log.reset());

  it.each(INKBOX_EVENT_TYPES)(
    'sends a signed %s (key from INKBOX_SIGNING_KEY), which its handlers receive',
    async (type) => {
      const run = await runCli(['send', type, '--url', url], ENV);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^HTTP 200 OK {2}\(\d+ ms\)$/m);
      expect(run.stdout).toContain('{"outcome":"processed"}');
      const id = /event {4}\S+ {2}(evt_[0-9a-f]+)/.exec(run.stdout)?.[1];
      expect(id).toBeDefined();
      // the handlers of the type itself (not '*', the mail 'outcome' handler or the family-pattern handlers)
      const typed = log.calls.filter((c) => !['any', 'outcome'].includes(c.handler) && !c.handler.endsWith('.*'));
      expect(typed.map((c) => [c.event.event_type, c.event.id])).toEqual([[type, id]]);
      expect(run.stderr).toBe('');
      expectNoKeys(run);
    },
  );

  it('sends phone.incoming_call to the incoming-call route when the URL has no path, and prints the decision', async () => {
    const base = new URL(url).origin;
    const run = await runCli(
      ['send', 'phone.incoming_call', '--url', base, '--set', 'remote_phone_number=+15555550123'],
      ENV,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`POST ${base}/inkbox/incoming-call`);
    expect(run.stdout).toMatch(/^HTTP 200 OK/m);
    // this app has no @OnInkboxIncomingCall() method: every call is rejected
    expect(run.stdout).toContain('{"action":"reject"}');
    expect(run.stdout).toMatch(/^decision: reject$/m);
    expect(log.calls).toHaveLength(0);
    expectNoKeys(run);
  });

  it('takes --signing-key, --data and --set, and the handler receives those values', async () => {
    const data = file(
      'bounce.json',
      JSON.stringify({ event_type: 'message.bounced', data: { message: { to_addresses: ['gone@example.net'] } } }),
    );
    const run = await runCli([
      'send',
      '--url',
      url,
      '--signing-key',
      SIGNING_KEY,
      '--data',
      data,
      '--set',
      'data.message.subject=Your invoice',
      '--set',
      'data.message.has_attachments=true',
      '--set',
      'id=evt_from_cli_1',
    ]);
    expect(run.code).toBe(0);
    const bounced = log.calls.find((c) => c.handler === 'bounced');
    expect(bounced?.event).toMatchObject({
      id: 'evt_from_cli_1',
      data: {
        message: {
          to_addresses: ['gone@example.net'],
          subject: 'Your invoice',
          has_attachments: true,
          status: 'bounced',
        },
      },
    });
    expectNoKeys(run);
  });

  it('exits 1 on a forged delivery, printing the 401 and why, and no handler runs', async () => {
    const run = await runCli(['send', 'message.bounced', '--url', url, '--signing-key', FORGED_KEY], ENV);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^HTTP 401 Unauthorized/m);
    expect(run.stdout).toMatch(/does not match/);
    expect(log.calls).toHaveLength(0);
    expectNoKeys(run);
  });

  it('resending the exact body with --body is answered as a duplicate, and handlers ran once', async () => {
    const first = await runCli(['send', 'message.delivered', '--url', url, '--json'], ENV);
    expect(first.code).toBe(0);
    const sent = JSON.parse(first.stdout) as {
      ok: boolean;
      status: number;
      body: unknown;
      event: { id: string };
      request: { body: string; headers: Record<string, string> };
    };
    expect(sent).toMatchObject({ ok: true, status: 200, body: { outcome: 'processed' } });
    const again = await runCli(['send', '--body', file('delivered.json', sent.request.body), '--url', url], ENV);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('{"outcome":"duplicate"}');
    expect(again.stdout).toContain(sent.event.id);
    expect(log.calls.filter((c) => c.handler === 'delivered')).toHaveLength(1);
    expectNoKeys(first);
  });

  it('exits 1 with the 401 message when the timestamp is outside the tolerance', async () => {
    const run = await runCli(
      ['send', 'message.sent', '--url', url, '--timestamp', String(Math.floor(Date.now() / 1000) - 3600)],
      ENV,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/HTTP 401/);
    expect(run.stdout).toMatch(/ old, more than the 300 s allowed/);
    expect(log.calls).toHaveLength(0);
  });

  it('exits 1 with the 400 naming the field when --set makes the payload invalid', async () => {
    const run = await runCli(['send', 'message.received', '--url', url, '--set', 'data.message.from_address=42'], ENV);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/HTTP 400 Bad Request/);
    expect(run.stdout).toMatch(/from_address/);
    expect(log.calls).toHaveLength(0);
  });

  it('accepts a base URL and sends to /inkbox/webhooks', async () => {
    const run = await runCli(['send', 'message.sent', '--url', url.replace('/inkbox/webhooks', '')], ENV);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`POST ${url}`);
    expect(log.names()).toEqual(['any', 'sent']);
  });

  it('--dry-run prints the signed request and sends nothing', async () => {
    const run = await runCli(
      ['send', 'message.failed', '--dry-run', '--request-id', 'req-dry-1', '--timestamp', '1700000000'],
      ENV,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^X-Inkbox-Request-ID: req-dry-1$/m);
    expect(run.stdout).toMatch(/^X-Inkbox-Timestamp: 1700000000$/m);
    expect(run.stdout).toMatch(/^X-Inkbox-Signature: sha256=[0-9a-f]{64}$/m);
    expect(run.stdout).toMatch(/"event_type":"message.failed"/);
    expect(log.calls).toHaveLength(0);
    expectNoKeys(run);
  });

  it('exits 2 and says where a key comes from when there is none', async () => {
    const run = await runCli(['send', 'message.sent', '--url', url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--signing-key <key> or set the INKBOX_SIGNING_KEY/);
    expect(log.calls).toHaveLength(0);
  });

  it('exits 2 on an unknown event type, naming the known ones', async () => {
    const run = await runCli(['send', 'message.opened', '--url', url], ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown event type "message.opened"/);
    expect(run.stderr).toContain('message.received');
  });

  it('exits 1 when nothing listens on the URL', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await close(probe);
    const run = await runCli(['send', 'message.sent', '--url', `http://127.0.0.1:${port}/inkbox/webhooks`], ENV);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/could not deliver to .*ECONNREFUSED/);
    expect(run.stderr).toMatch(/Is the app running/);
  });

  it('answers a 404 HTML page with a one-line summary and a hint about the global prefix and version', async () => {
    const page = `<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Cannot POST /inkbox/webhooks</pre>${'<p>padding</p>'.repeat(200)}</body></html>`;
    const html = createServer(
      (_req, res) => void res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(page),
    );
    const port = await listen(html);
    try {
      const run = await runCli(['send', 'message.sent', '--url', `http://127.0.0.1:${port}`], ENV);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/HTTP 404 Not Found/);
      expect(run.stdout).toMatch(/\(an HTML page of \d+ bytes: "Error"\)/);
      expect(run.stdout).not.toContain('<p>padding</p>');
      expect(run.stderr).toMatch(
        /Hint: nothing answers POST \/inkbox\/webhooks.*global prefix.*--url http:\/\/localhost:3000\/api\/v1\/inkbox\/webhooks/s,
      );
    } finally {
      await close(html);
    }
  });

  it('never prints a key given as an argument, even in an error', async () => {
    // The key pasted where the event type goes: the error quotes the argument, redacted.
    const run = await runCli(['send', FORGED_KEY, '--url', url, `--signing-key=${FORGED_KEY}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown event type "[redacted]"');
    expectNoKeys(run);
    const fromEnv = await runCli(['send', SIGNING_KEY, '--url', url], ENV);
    expect(fromEnv.stderr).toContain('unknown event type "[redacted]"');
    expectNoKeys(fromEnv);
  });
});

/** A raw HTTP endpoint that records what it receives, as a capture of a production delivery would. */
async function captureDelivery(
  args: string[],
): Promise<{ headerLines: string; headers: Record<string, string>; body: Buffer }> {
  let captured: { req: IncomingMessage; body: Buffer } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      captured = { req, body: Buffer.concat(chunks) };
      res.writeHead(204).end();
    });
  });
  const port = await listen(server);
  try {
    const run = await runCli(['send', ...args, '--url', `http://127.0.0.1:${port}/hook`], ENV);
    expect(run.code).toBe(0);
  } finally {
    await close(server);
  }
  const raw = captured!.req.rawHeaders;
  const lines: string[] = [`POST /hook HTTP/1.1`];
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    lines.push(`${raw[i]}: ${raw[i + 1]}`);
    headers[raw[i]!] = raw[i + 1]!;
  }
  return { headerLines: lines.join('\r\n') + '\r\n', headers, body: captured!.body };
}

describe('nestjs-inkbox verify, on captured deliveries', () => {
  it('verifies a delivery captured from the wire ("Name: value" headers file) and exits 0', async () => {
    const capture = await captureDelivery(['message.received']);
    const run = await runCli(
      ['verify', '--headers', file('h.txt', capture.headerLines), '--body', file('b.json', capture.body)],
      ENV,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}headers {4}ok/m);
    expect(run.stdout).toMatch(/^ {2}timestamp {2}ok/m);
    expect(run.stdout).toMatch(/^ {2}signature {2}ok {4}matches key 1 of 1$/m);
    expect(run.stdout).toMatch(/The delivery verifies\./);
    expectNoKeys(run);
  });

  it('reads a JSON headers file and curl -v style lines too', async () => {
    const capture = await captureDelivery(['message.sent']);
    const body = file('b.json', capture.body);
    const json = await runCli(
      ['verify', '--headers', file('h.json', JSON.stringify(capture.headers)), '--body', body],
      ENV,
    );
    expect(json.code).toBe(0);
    const curl = capture.headerLines
      .split('\r\n')
      .map((line) => (line ? `> ${line}` : line))
      .join('\n');
    const verbose = await runCli(['verify', '--headers', file('h-curl.txt', curl), '--body', body], ENV);
    expect(verbose.code).toBe(0);
  });

  it('says the signature does not match with the wrong key, and tries every key given', async () => {
    const capture = await captureDelivery(['message.bounced']);
    const headers = file('h.txt', capture.headerLines);
    const body = file('b.json', capture.body);
    const wrong = await runCli(['verify', '--headers', headers, '--body', body, '--signing-key', FORGED_KEY]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^ {2}timestamp {2}ok/m);
    expect(wrong.stdout).toMatch(/^ {2}signature {2}FAIL {2}The X-Inkbox-Signature does not match/m);
    expect(wrong.stdout).toMatch(/does not verify \(signature_mismatch\)/);
    expect(wrong.stdout).toMatch(/Hint: .*agent identity/);
    expectNoKeys(wrong);
    const both = await runCli([
      'verify',
      '--headers',
      headers,
      '--body',
      body,
      '--signing-key',
      FORGED_KEY,
      '--signing-key',
      SIGNING_KEY,
    ]);
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(/matches key 2 of 2/);
    expectNoKeys(both);
  });

  it('tells an old delivery apart from a bad signature, and --now checks it at the time it arrived', async () => {
    const signedAt = Math.floor(Date.now() / 1000) - 2 * 3600;
    const capture = await captureDelivery(['message.delivered', '--timestamp', String(signedAt)]);
    const args = ['verify', '--headers', file('h.txt', capture.headerLines), '--body', file('b.json', capture.body)];
    const now = await runCli(args, ENV);
    expect(now.code).toBe(1);
    expect(now.stdout).toMatch(
      /^ {2}timestamp {2}FAIL {2}signed .*, 2 h before the clock .*; at most 300 s are allowed$/m,
    );
    expect(now.stdout).toMatch(/^ {2}signature {2}ok/m);
    expect(now.stdout).toMatch(/does not verify \(timestamp_too_old\)/);
    expect(now.stdout).toMatch(/Hint: .*--now/);
    const then = await runCli([...args, '--now', new Date((signedAt + 20) * 1000).toISOString()], ENV);
    expect(then.code).toBe(0);
    expect(then.stdout).toMatch(/signed .*, 20 s before the clock; within ±300 s/);
  });

  it('points at this server’s clock when the delivery is from the future', async () => {
    const capture = await captureDelivery(['message.sent', '--timestamp', String(Math.floor(Date.now() / 1000) + 900)]);
    const run = await runCli(
      [
        'verify',
        '--headers',
        file('h.txt', capture.headerLines),
        '--body',
        file('b.json', capture.body),
        '--tolerance',
        '600',
      ],
      ENV,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/timestamp_in_future/);
    expect(run.stdout).toMatch(/at most 600 s are allowed/);
    expect(run.stdout).toMatch(/Hint: .*clock is probably behind/);
  });

  it('spots a body file that gained a final newline', async () => {
    const capture = await captureDelivery(['message.failed']);
    const run = await runCli(
      [
        'verify',
        '--headers',
        file('h.txt', capture.headerLines),
        '--body',
        file('b.json', Buffer.concat([capture.body, Buffer.from('\n')])),
      ],
      ENV,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/signature {2}FAIL/);
    expect(run.stdout).toMatch(/Hint: The signature matches once the final newline of the body file is removed/);
  });

  it('names the missing header and checks nothing further', async () => {
    const capture = await captureDelivery(['message.sent']);
    const lines = capture.headerLines
      .split('\r\n')
      .filter((l) => !/^x-inkbox-signature:/i.test(l))
      .join('\n');
    const run = await runCli(
      ['verify', '--headers', file('h.txt', lines), '--body', file('b.json', capture.body), '--json'],
      ENV,
    );
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      reason: string;
      checks: Array<{ name: string; state: string; detail: string }>;
    };
    expect(result).toMatchObject({ ok: false, reason: 'missing_signature' });
    expect(result.checks.map((c) => [c.name, c.state])).toEqual([
      ['headers', 'fail'],
      ['timestamp', 'skipped'],
      ['signature', 'skipped'],
    ]);
    expect(result.checks[0]!.detail).toMatch(/X-Inkbox-Signature header is missing/);
  });

  it('exits 2 on missing files or options', async () => {
    const noKey = await runCli(['verify', '--headers', 'h.txt', '--body', 'b.json']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/INKBOX_SIGNING_KEY/);
    const missing = await runCli(
      ['verify', '--headers', join(dir, 'absent.txt'), '--body', join(dir, 'absent.json')],
      ENV,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--headers .*absent\.txt: no such file/);
  });
});

describe('nestjs-inkbox replay-failed, against a local stand-in for the Inkbox API', () => {
  const now = Date.now();
  const row = (id: string, eventId: string, minutesAgo: number, extra: Record<string, unknown> = {}) => ({
    id,
    organization_id: 'org_1',
    webhook_subscription_id: 'sub_1',
    phone_number_id: null,
    event_id: eventId,
    event_type: 'message.received',
    url: 'https://app.example.com/inkbox/webhooks',
    request_payload: '{}',
    response_status: 500,
    response_body: 'boom',
    error_detail: null,
    duration_ms: 12,
    is_replay: false,
    created_at: new Date(now - minutesAgo * 60_000).toISOString(),
    ...extra,
  });
  let server: Server;
  let base: string;
  let requests: Array<{ method: string; url: string; apiKey: string | undefined }>;
  let deliveries: Array<ReturnType<typeof row>>;
  let refuse: Set<string>;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ method: req.method!, url: req.url!, apiKey: req.headers['x-api-key'] as string | undefined });
      const url = new URL(req.url!, 'http://x');
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && url.pathname === '/api/v1/webhooks/deliveries') {
        const offset = Number(url.searchParams.get('offset') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? 50);
        res.end(JSON.stringify({ deliveries: deliveries.slice(offset, offset + limit) }));
        return;
      }
      const replay = /^\/api\/v1\/webhooks\/deliveries\/([^/]+)\/replay$/.exec(url.pathname);
      if (req.method === 'POST' && replay) {
        req.resume();
        if (refuse.has(replay[1]!)) {
          res.statusCode = 409;
          res.end(JSON.stringify({ detail: 'The subscription no longer exists.' }));
          return;
        }
        const original = deliveries.find((d) => d.id === replay[1]);
        res.end(JSON.stringify({ ...original, id: `${replay[1]}_replay`, is_replay: true, response_status: 200 }));
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ detail: 'Not Found' }));
    });
    base = `http://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => close(server));
  beforeEach(() => {
    requests = [];
    refuse = new Set();
    deliveries = [
      row('dlv_3', 'evt_c', 5),
      row('dlv_2', 'evt_b', 20, { event_type: 'message.bounced' }),
      row('dlv_2b', 'evt_b', 25, { event_type: 'message.bounced' }),
      row('dlv_call', 'evt_call', 30, {
        webhook_subscription_id: null,
        event_type: 'phone.incoming_call',
        replay_unavailable_reason: 'Incoming-call deliveries cannot be replayed.',
      }),
      row('dlv_old', 'evt_old', 600),
    ];
  });

  it('replays each failed event since the given time once, through the admin API, and exits 0', async () => {
    const run = await runCli(['replay-failed', '--since', '2h', '--api-base-url', base], { INKBOX_API_KEY: API_KEY });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ {2}replayed {2}message\.received +evt_c +delivery dlv_3 -> dlv_3_replay, your endpoint answered 200$/m,
    );
    expect(run.stdout).toMatch(/^ {2}replayed {2}message\.bounced +evt_b +delivery dlv_2 -> dlv_2_replay/m);
    expect(run.stdout).toMatch(
      /^ {2}skipped {3}phone\.incoming_call .*Incoming-call deliveries cannot be replayed\.$/m,
    );
    expect(run.stdout).toMatch(/^2 replayed, 0 failed, 1 not replayable\.$/m);
    expect(requests.filter((r) => r.method === 'POST').map((r) => r.url)).toEqual([
      '/api/v1/webhooks/deliveries/dlv_3/replay',
      '/api/v1/webhooks/deliveries/dlv_2/replay',
    ]);
    expect(requests.every((r) => r.apiKey === API_KEY)).toBe(true);
    expect(requests[0]!.url).toMatch(/success=false/);
    expectNoKeys(run);
  });

  it('exits 1 and says why when Inkbox refuses a replay', async () => {
    refuse.add('dlv_3');
    const run = await runCli(
      ['replay-failed', '--since', new Date(now - 3600_000).toISOString(), '--api-base-url', base, '--json'],
      { INKBOX_API_KEY: API_KEY },
    );
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as {
      ok: boolean;
      replayed: Array<{ deliveryId: string }>;
      failed: Array<{ deliveryId: string; reason: string }>;
    };
    expect(result.ok).toBe(false);
    expect(result.replayed.map((r) => r.deliveryId)).toEqual(['dlv_2']);
    expect(result.failed).toEqual([
      expect.objectContaining({
        deliveryId: 'dlv_3',
        reason: expect.stringMatching(/409.*subscription no longer exists/),
      }),
    ]);
    expectNoKeys(run);
  });

  it('passes --event-type and --limit on', async () => {
    const run = await runCli([
      'replay-failed',
      '--since',
      '1d',
      '--event-type',
      'message.received',
      '--limit',
      '1',
      '--api-base-url',
      base,
      '--api-key',
      API_KEY,
    ]);
    expect(run.code).toBe(0);
    expect(requests[0]!.url).toMatch(/event_type=message\.received/);
    expect(requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expectNoKeys(run);
  });

  it('exits 1 with the API’s explanation when the key is refused', async () => {
    const strict = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: 'Invalid API key' }));
    });
    const port = await listen(strict);
    try {
      const run = await runCli(['replay-failed', '--since', '1h', '--api-base-url', `http://127.0.0.1:${port}`], {
        INKBOX_API_KEY: API_KEY,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/status 401.*Invalid API key/);
      expectNoKeys(run);
    } finally {
      await close(strict);
    }
  });

  it('names --api-base-url, not the module option, when the API cannot be reached', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await close(probe);
    const run = await runCli(['replay-failed', '--since', '1h', '--api-base-url', `http://127.0.0.1:${port}`], {
      INKBOX_API_KEY: API_KEY,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/connection refused.*check --api-base-url \(or INKBOX_API_BASE_URL\)/);
    expect(run.stderr).not.toMatch(/apiBaseUrl/);
  });

  it('exits 2 without an API key or --since', async () => {
    const noKey = await runCli(['replay-failed', '--since', '1h', '--api-base-url', base]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/INKBOX_API_KEY/);
    const noSince = await runCli(['replay-failed', '--api-base-url', base], { INKBOX_API_KEY: API_KEY });
    expect(noSince.code).toBe(2);
    expect(noSince.stderr).toMatch(/--since is required/);
    const badSince = await runCli(['replay-failed', '--since', 'yesterday', '--api-base-url', base], {
      INKBOX_API_KEY: API_KEY,
    });
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toMatch(/--since must be a duration back from now \(90s, 30m, 6h, 2d, 1w\)/);
    expect(requests).toHaveLength(0);
  });
});
