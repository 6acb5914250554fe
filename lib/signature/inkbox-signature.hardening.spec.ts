import { resolveInkboxOptions } from '../options/inkbox-options';
import {
  computeInkboxSignature,
  inkboxKeyBytes,
  inkboxSignatureFailureStatus,
  normalizeInkboxSigningKey,
  verifyInkboxSignature,
} from './inkbox-signature';

const NOW = 1_750_000_000;
function headersFor(key: string, body: string, ts = NOW) {
  return {
    'x-inkbox-request-id': 'req_1',
    'x-inkbox-timestamp': String(ts),
    'x-inkbox-signature': computeInkboxSignature(key, 'req_1', ts, body),
  };
}

describe('one normalisation of signing keys', () => {
  it.each([
    ['whsec_abc', 'abc'],
    ['abc', 'abc'],
    ['  whsec_abc\n', 'abc'],
    ['whsec_whsec_abc', 'whsec_abc'],
    ['abcwhsec_def', 'abcwhsec_def'],
    ['whsec_', ''],
    ['whsec_ ', ''],
    [' whsec_', ''],
    ['\nwhsec_\n', ''],
    [' ', ''],
  ])('%j → %j', (key, expected) => {
    expect(normalizeInkboxSigningKey(key)).toBe(expected);
    expect(inkboxKeyBytes(key).toString('utf8')).toBe(expected);
  });

  it('strips whsec_ only as a prefix: a key with whsec_ inside is not the key without it', () => {
    const body = '{"a":1}';
    const headers = headersFor('abcdef', body);
    expect(
      verifyInkboxSignature({ rawBody: body, headers, signingKey: 'abcwhsec_def', now: NOW * 1000 }),
    ).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: 'abcdef', now: NOW * 1000 }).ok).toBe(true);
  });

  it.each(['whsec_ ', ' whsec_', '\nwhsec_\n', ' ', '\t'])(
    'verifyInkboxSignature ignores %j (an empty HMAC key anyone can use)',
    (key) => {
      const body = '{"a":1}';
      const headers = headersFor('', body); // the HMAC an attacker computes with an empty key
      expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: key, now: NOW * 1000 })).toMatchObject({
        ok: false,
        reason: 'no_signing_key',
      });
      expect(
        verifyInkboxSignature({ rawBody: body, headers, signingKey: [key, 'real'], now: NOW * 1000 }),
      ).toMatchObject({ ok: false, reason: 'signature_mismatch' });
    },
  );

  it('a key with whitespace around it verifies as the trimmed key (as at startup)', () => {
    const body = '{"a":1}';
    expect(
      verifyInkboxSignature({
        rawBody: body,
        headers: headersFor('whsec_k1', body),
        signingKey: ' whsec_k1\n',
        now: NOW * 1000,
      }).ok,
    ).toBe(true);
  });

  it.each(['whsec_ ', ' whsec_', '\nwhsec_\n', '   '])('startup refuses %j, naming the option', (key) => {
    expect(() => resolveInkboxOptions({ signingKey: key })).toThrow(/signingKey must be a non-empty string/);
    expect(() => resolveInkboxOptions({ signingKey: ['good', key] })).toThrow(/signingKey/);
  });
});

describe('failure statuses', () => {
  it.each([
    ['missing_request_id', 400],
    ['malformed_signature', 400],
    ['timestamp_too_old', 401],
    ['timestamp_in_future', 401],
    ['signature_mismatch', 401],
    ['no_signing_key', 401],
    ['invalid_input', 500],
  ] as const)('%s → %i', (reason, status) => {
    expect(inkboxSignatureFailureStatus(reason)).toBe(status);
  });
});

describe('tolerance edges (fixed clock, never the wall clock)', () => {
  const body = '{}';
  it.each([
    [-300, true],
    [-301, false],
    [300, true],
    [301, false],
  ])('a timestamp %i s from now with tolerance 300 → ok %s', (offset, ok) => {
    const headers = headersFor('k', body, NOW + offset);
    expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: 'k', now: NOW * 1000 + 999 }).ok).toBe(ok);
  });
});

describe('the three headers read together', () => {
  const body = '{"a":1}';
  const at = NOW * 1000;

  it.each([
    ['X-Inkbox-Request-ID', 'malformed_request_id'],
    ['X-Inkbox-Timestamp', 'malformed_timestamp'],
    ['X-INKBOX-SIGNATURE', 'malformed_signature'],
  ])('a second spelling of %s makes that header ambiguous (%s)', (name, reason) => {
    const headers: Record<string, string> = { ...headersFor('abc', body) };
    headers[name] = headers[name.toLowerCase()]!;
    expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: 'abc', now: at })).toMatchObject({
      ok: false,
      reason,
    });
  });

  it('reads mixed-case names and a one-element list', () => {
    const h = headersFor('abc', body);
    const headers = {
      'X-Inkbox-Request-Id': h['x-inkbox-request-id'],
      'x-INKBOX-timestamp': [h['x-inkbox-timestamp']],
      'X-Inkbox-Signature': h['x-inkbox-signature'].toUpperCase().replace('SHA256=', 'sha256='),
    };
    expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: 'abc', now: at })).toEqual({
      ok: true,
      requestId: 'req_1',
      timestamp: NOW,
      keyIndex: 0,
    });
  });

  it.each([
    'sha256=' + 'a'.repeat(63) + 'g',
    'sha256=' + 'a'.repeat(62) + ' a',
    'SHA256=' + 'a'.repeat(64),
    'sha256=' + 'a'.repeat(65),
  ])('refuses the signature form %s', (signature) => {
    const headers = { ...headersFor('abc', body), 'x-inkbox-signature': signature };
    expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: 'abc', now: at })).toMatchObject({
      ok: false,
      reason: 'malformed_signature',
    });
  });

  it('counts only usable keys: keyIndex and the message skip keys empty once normalised', () => {
    const headers = headersFor('abc', body);
    expect(
      verifyInkboxSignature({ rawBody: body, headers, signingKey: ['whsec_', 'x', 'abc'], now: at }),
    ).toMatchObject({ ok: true, keyIndex: 1 });
    expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: ['whsec_', 'x', 'y'], now: at })).toMatchObject({
      ok: false,
      reason: 'signature_mismatch',
      message: expect.stringContaining('none of the 2 configured'),
    });
    expect(verifyInkboxSignature({ rawBody: body, headers, signingKey: [' ', 'whsec_'], now: at })).toMatchObject({
      ok: false,
      reason: 'no_signing_key',
    });
  });
});
