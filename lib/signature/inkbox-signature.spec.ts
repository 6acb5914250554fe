import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  computeInkboxSignature,
  inkboxSignatureFailureStatus,
  verifyInkboxSignature,
  type InkboxSignatureFailureReason,
} from './inkbox-signature';

interface VectorCase {
  name: string;
  signing_key: string;
  request_id: string;
  timestamp: string;
  body_base64: string;
  signature: string;
}
const vectors: { cases: VectorCase[] } = JSON.parse(
  readFileSync(join(__dirname, '../../test/fixtures/test-vectors/signatures.json'), 'utf8'),
);

const KEY = 'whsec_example';
const BODY = Buffer.from('{"id":"evt_1","event_type":"message.received"}');
const TS = 1700000000;
const NOW = TS * 1000;

function headersFor(body: Buffer, key = KEY, requestId = 'req-1', ts: string | number = TS) {
  return {
    'x-inkbox-request-id': requestId,
    'x-inkbox-timestamp': String(ts),
    'x-inkbox-signature': computeInkboxSignature(key, requestId, ts, body),
  };
}

function reason(result: ReturnType<typeof verifyInkboxSignature>): InkboxSignatureFailureReason | 'ok' {
  return result.ok ? 'ok' : result.reason;
}

describe('verifyInkboxSignature', () => {
  it('uses an unchanged copy of the independent vectors (committed SHA-256)', () => {
    const [sum] = readFileSync(join(__dirname, '../../test/fixtures/test-vectors.sha256'), 'utf8').split(' ');
    const bytes = readFileSync(join(__dirname, '../../test/fixtures/test-vectors/signatures.json'));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sum);
    expect(vectors.cases.length).toBeGreaterThanOrEqual(9);
  });

  it('matches the vector from inkbox-api.md', () => {
    expect(computeInkboxSignature(KEY, 'req-1', TS, BODY)).toBe(
      'sha256=d402a9e9e6d1eb37776238bc3e8b875dc714b1e2c72b990b82f2f65a4baa7ab2',
    );
  });

  it.each(vectors.cases.map((c) => [c.name, c] as const))('verifies the independent vector "%s"', (_name, c) => {
    const result = verifyInkboxSignature({
      rawBody: Buffer.from(c.body_base64, 'base64'),
      headers: {
        'X-Inkbox-Request-ID': c.request_id,
        'X-Inkbox-Timestamp': c.timestamp,
        'X-Inkbox-Signature': c.signature,
      },
      signingKey: c.signing_key,
      now: Number(c.timestamp) * 1000,
    });
    expect(result).toEqual({ ok: true, requestId: c.request_id, timestamp: Number(c.timestamp), keyIndex: 0 });
  });

  it('accepts header names in any case, array values, upper-case hex and a Headers object', () => {
    const h = headersFor(BODY);
    const upper = {
      'X-INKBOX-REQUEST-ID': [h['x-inkbox-request-id']],
      'x-Inkbox-Timestamp': h['x-inkbox-timestamp'],
      'X-Inkbox-Signature': 'sha256=' + h['x-inkbox-signature'].slice(7).toUpperCase(),
    };
    expect(verifyInkboxSignature({ rawBody: BODY, headers: upper, signingKey: KEY, now: NOW }).ok).toBe(true);
    expect(
      verifyInkboxSignature({ rawBody: BODY, headers: new Headers(h), signingKey: KEY, now: new Date(NOW) }).ok,
    ).toBe(true);
    expect(verifyInkboxSignature({ rawBody: BODY.toString(), headers: h, signingKey: KEY, now: NOW }).ok).toBe(true);
  });

  it('tries every key and reports which one matched (rotation)', () => {
    const h = headersFor(BODY, 'whsec_new');
    const result = verifyInkboxSignature({
      rawBody: BODY,
      headers: h,
      signingKey: ['whsec_old', 'whsec_new'],
      now: NOW,
    });
    expect(result).toMatchObject({ ok: true, keyIndex: 1 });
    expect(reason(verifyInkboxSignature({ rawBody: BODY, headers: h, signingKey: ['whsec_old'], now: NOW }))).toBe(
      'signature_mismatch',
    );
  });

  it('enforces the tolerance window in both directions, inclusive at the edge', () => {
    const h = headersFor(BODY);
    const at = (deltaS: number, toleranceSeconds?: number) =>
      reason(
        verifyInkboxSignature({
          rawBody: BODY,
          headers: h,
          signingKey: KEY,
          now: NOW + deltaS * 1000,
          toleranceSeconds,
        }),
      );
    expect(at(300)).toBe('ok');
    expect(at(-300)).toBe('ok');
    expect(at(301)).toBe('timestamp_too_old');
    expect(at(-301)).toBe('timestamp_in_future');
    expect(at(11, 10)).toBe('timestamp_too_old');
    expect(at(0, 0)).toBe('ok');
  });

  it('checks time before the HMAC, and form before time', () => {
    const stale = { ...headersFor(BODY), 'x-inkbox-signature': 'sha256=' + '0'.repeat(64) };
    expect(
      reason(verifyInkboxSignature({ rawBody: BODY, headers: stale, signingKey: KEY, now: NOW + 10_000_000 })),
    ).toBe('timestamp_too_old');
    const malformed = { ...stale, 'x-inkbox-signature': 'sha256=abc' };
    expect(
      reason(verifyInkboxSignature({ rawBody: BODY, headers: malformed, signingKey: KEY, now: NOW + 10_000_000 })),
    ).toBe('malformed_signature');
  });

  const h = headersFor(BODY);
  const cases: Array<[string, Record<string, unknown>, InkboxSignatureFailureReason]> = [
    ['no request id', { ...h, 'x-inkbox-request-id': undefined }, 'missing_request_id'],
    ['empty request id', { ...h, 'x-inkbox-request-id': '' }, 'missing_request_id'],
    ['request id with spaces', { ...h, 'x-inkbox-request-id': 'a b' }, 'malformed_request_id'],
    ['two request ids', { ...h, 'x-inkbox-request-id': ['a', 'b'] }, 'malformed_request_id'],
    ['no timestamp', { ...h, 'x-inkbox-timestamp': undefined }, 'missing_timestamp'],
    ['fractional timestamp', { ...h, 'x-inkbox-timestamp': '1700000000.5' }, 'malformed_timestamp'],
    ['negative timestamp', { ...h, 'x-inkbox-timestamp': '-1700000000' }, 'malformed_timestamp'],
    ['ISO timestamp', { ...h, 'x-inkbox-timestamp': '2023-11-14T22:13:20Z' }, 'malformed_timestamp'],
    ['no signature', { ...h, 'x-inkbox-signature': undefined }, 'missing_signature'],
    ['empty signature', { ...h, 'x-inkbox-signature': '' }, 'missing_signature'],
    [
      'bare hex without scheme',
      { ...h, 'x-inkbox-signature': h['x-inkbox-signature'].slice(7) },
      'malformed_signature',
    ],
    ['v1= scheme', { ...h, 'x-inkbox-signature': 'v1=' + h['x-inkbox-signature'].slice(7) }, 'malformed_signature'],
    ['short signature', { ...h, 'x-inkbox-signature': 'sha256=abc' }, 'malformed_signature'],
    ['63 hex digits', { ...h, 'x-inkbox-signature': h['x-inkbox-signature'].slice(0, -1) }, 'malformed_signature'],
    ['65 hex digits', { ...h, 'x-inkbox-signature': h['x-inkbox-signature'] + '0' }, 'malformed_signature'],
    ['non-hex', { ...h, 'x-inkbox-signature': 'sha256=' + 'g'.repeat(64) }, 'malformed_signature'],
    [
      'two signatures joined',
      { ...h, 'x-inkbox-signature': `${h['x-inkbox-signature']}, ${h['x-inkbox-signature']}` },
      'malformed_signature',
    ],
    ['wrong signature', { ...h, 'x-inkbox-signature': 'sha256=' + 'f'.repeat(64) }, 'signature_mismatch'],
  ];
  it.each(cases)('reports %s', (_name, headers, expected) => {
    const result = verifyInkboxSignature({ rawBody: BODY, headers: headers as never, signingKey: KEY, now: NOW });
    expect(reason(result)).toBe(expected);
    if (!result.ok) expect(result.message).not.toContain('example');
  });

  it('fails when any byte of body, request id or timestamp changes', () => {
    const good = headersFor(BODY);
    for (let i = 0; i < BODY.length; i++) {
      const changed = Buffer.from(BODY);
      changed[i] = changed[i]! ^ 0x01;
      expect(verifyInkboxSignature({ rawBody: changed, headers: good, signingKey: KEY, now: NOW }).ok).toBe(false);
    }
    expect(
      verifyInkboxSignature({
        rawBody: BODY,
        headers: { ...good, 'x-inkbox-request-id': 'req-2' },
        signingKey: KEY,
        now: NOW,
      }).ok,
    ).toBe(false);
    expect(
      verifyInkboxSignature({
        rawBody: BODY,
        headers: { ...good, 'x-inkbox-timestamp': String(TS + 1) },
        signingKey: KEY,
        now: NOW,
      }).ok,
    ).toBe(false);
    expect(
      verifyInkboxSignature({
        rawBody: Buffer.concat([BODY, Buffer.from(' ')]),
        headers: good,
        signingKey: KEY,
        now: NOW,
      }).ok,
    ).toBe(false);
  });

  it('never throws on nonsense input', () => {
    const inputs: unknown[] = [
      undefined,
      null,
      42,
      'x',
      {},
      { headers: null },
      { rawBody: 5, headers: h, signingKey: KEY, now: NOW },
      { rawBody: BODY, headers: h, signingKey: [], now: NOW },
      { rawBody: BODY, headers: h, signingKey: [null, 3], now: NOW },
      { rawBody: BODY, headers: h, signingKey: KEY, now: Number.NaN },
      { rawBody: BODY, headers: 'nope', signingKey: KEY },
    ];
    for (const input of inputs) {
      const result = verifyInkboxSignature(input as never);
      expect(result.ok).toBe(false);
    }
    expect(reason(verifyInkboxSignature({ rawBody: BODY, headers: h, signingKey: [], now: NOW }))).toBe(
      'no_signing_key',
    );
  });

  it('maps reasons to the status table', () => {
    expect(inkboxSignatureFailureStatus('missing_signature')).toBe(400);
    expect(inkboxSignatureFailureStatus('malformed_timestamp')).toBe(400);
    expect(inkboxSignatureFailureStatus('timestamp_too_old')).toBe(401);
    expect(inkboxSignatureFailureStatus('timestamp_in_future')).toBe(401);
    expect(inkboxSignatureFailureStatus('signature_mismatch')).toBe(401);
    expect(inkboxSignatureFailureStatus('no_signing_key')).toBe(401);
  });
});
