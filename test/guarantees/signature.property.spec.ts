import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  readInkboxHeader,
  verifyInkboxSignature,
  type InkboxSignatureFailureReason,
  type InkboxSignatureResult,
} from '../../lib/signature/inkbox-signature';
import { recordFastCheckSeed } from '../support/fc-seed';

// replay a failure with FC_SEED=<the seed in the failing describe's title>
const SEED = recordFastCheckSeed();

/**
 * Properties of the signature check against an independent reference written from the spec
 * (inkbox-api.md §1): HMAC-SHA256 with the key's UTF-8 bytes (one leading `whsec_` removed) over
 * `"{request id}.{timestamp}."` + raw body, `sha256=` + 64 hex digits (either case), timestamp in
 * whole seconds within the tolerance both ways.
 */

const RUNS = Number(process.env.FC_RUNS ?? 2_000);
const NOW_S = 1_764_288_000;
const NAMES = ['x-inkbox-request-id', 'x-inkbox-timestamp', 'x-inkbox-signature'] as const;

/** The key as the spec reads it: surrounding whitespace removed, then one leading `whsec_`. */
function referenceKey(key: string): string {
  const trimmed = key.trim();
  return trimmed.startsWith('whsec_') ? trimmed.substring('whsec_'.length) : trimmed;
}

function referenceMac(key: string, requestId: string, timestamp: string, body: Buffer): string {
  const secret = referenceKey(key);
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.concat([Buffer.from(`${requestId}.${timestamp}.`, 'utf8'), body]))
    .digest('hex');
}

type Reason = InkboxSignatureFailureReason | 'ok';
const reasonOf = (r: InkboxSignatureResult): Reason => (r.ok ? 'ok' : r.reason);

/** A header value as it may reach the check: absent, one string, a list, or two values. */
type Slot =
  { kind: 'absent' } | { kind: 'one'; value: string; wrap: boolean } | { kind: 'two'; values: [string, string] };

function reference(input: {
  rid: Slot;
  ts: Slot;
  sig: Slot;
  keys: string[];
  body: Buffer;
  nowS: number;
  tolerance: number;
}): Reason {
  const single = (slot: Slot): string | null | undefined =>
    slot.kind === 'absent' ? null : slot.kind === 'two' ? undefined : slot.value;
  const rid = single(input.rid);
  const ts = single(input.ts);
  const sig = single(input.sig);
  if (rid === null || rid === '') return 'missing_request_id';
  if (rid === undefined || rid.length > 256 || ![...rid].every((c) => c >= '!' && c <= '~'))
    return 'malformed_request_id';
  if (ts === null || ts === '') return 'missing_timestamp';
  if (ts === undefined || ts.length > 12 || ![...ts].every((c) => c >= '0' && c <= '9')) return 'malformed_timestamp';
  if (sig === null || sig === '') return 'missing_signature';
  if (
    sig === undefined ||
    !sig.startsWith('sha256=') ||
    sig.length !== 71 ||
    ![...sig.slice(7)].every((c) => '0123456789abcdefABCDEF'.includes(c))
  ) {
    return 'malformed_signature';
  }
  const age = input.nowS - Number(ts);
  if (age > input.tolerance) return 'timestamp_too_old';
  if (-age > input.tolerance) return 'timestamp_in_future';
  const usable = input.keys.filter((k) => referenceKey(k) !== '');
  if (usable.length === 0) return 'no_signing_key';
  const given = sig.slice(7).toLowerCase();
  return usable.some((k) => referenceMac(k, rid, ts, input.body) === given) ? 'ok' : 'signature_mismatch';
}

function toHeaders(slots: [Slot, Slot, Slot], casing: boolean[]): Record<string, unknown> {
  const headers: Record<string, unknown> = { 'content-type': 'application/json' };
  slots.forEach((slot, i) => {
    let name: string = NAMES[i]!;
    if (casing[i]) name = name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
    if (slot.kind === 'one') headers[name] = slot.wrap ? [slot.value] : slot.value;
    else if (slot.kind === 'two') headers[name] = slot.values;
  });
  return headers;
}

// ---------------------------------------------------------------- generators

const visible = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const requestIdArb = fc.oneof(
  { weight: 6, arbitrary: fc.uuid() },
  { weight: 3, arbitrary: fc.string({ unit: visible, minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: visible, minLength: 250, maxLength: 256 }) },
);
const keyArb = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 40 }).map((s) => `whsec_${s}`),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
    fc.string({ minLength: 1, maxLength: 64 }),
  )
  .filter((key) => referenceKey(key) !== ''); // keys empty once normalised are no keys (tested on their own)
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 400 }).map((u) => Buffer.from(u)),
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => Buffer.from(s, 'utf8')),
  fc.json({ maxDepth: 4 }).map((s) => Buffer.from(s, 'utf8')),
);
const hexCase = (hex: string, mask: boolean[]) =>
  [...hex].map((c, i) => (mask[i % mask.length] ? c.toUpperCase() : c)).join('');

/** A delivery that Inkbox would send, signed by the reference implementation. */
const deliveryArb = fc
  .record({
    key: keyArb,
    rid: requestIdArb,
    offset: fc.integer({ min: -300, max: 300 }),
    body: bodyArb,
    upper: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
    casing: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    wrap: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    decoysBefore: fc.array(keyArb, { maxLength: 3 }),
    decoysAfter: fc.array(keyArb, { maxLength: 3 }),
  })
  .map((d) => {
    const ts = String(NOW_S + d.offset);
    const sig = `sha256=${hexCase(referenceMac(d.key, d.rid, ts, d.body), d.upper)}`;
    return { ...d, ts, sig };
  });

const strip = referenceKey;

describe(`verifyInkboxSignature — properties (FC_SEED=${SEED})`, () => {
  it('no false reject: every correctly signed delivery verifies, whatever the header case, list wrapping, hex case and key position', () => {
    fc.assert(
      fc.property(deliveryArb, fc.constantFrom('record', 'fetch-headers'), (d, container) => {
        const decoys = d.decoysBefore.filter((k) => strip(k) !== strip(d.key) && strip(k) !== '');
        const keys = [...decoys, d.key, ...d.decoysAfter];
        const slots: [Slot, Slot, Slot] = [
          { kind: 'one', value: d.rid, wrap: d.wrap[0]! },
          { kind: 'one', value: d.ts, wrap: d.wrap[1]! },
          { kind: 'one', value: d.sig, wrap: d.wrap[2]! },
        ];
        const record = toHeaders(slots, d.casing);
        const headers =
          container === 'record'
            ? record
            : new Headers([
                [NAMES[0], d.rid],
                [NAMES[1], d.ts],
                [NAMES[2], d.sig],
              ]);
        const result = verifyInkboxSignature({
          rawBody: d.body,
          headers: headers as never,
          signingKey: keys,
          now: NOW_S * 1000,
        });
        expect(result).toEqual({ ok: true, requestId: d.rid, timestamp: Number(d.ts), keyIndex: decoys.length });
      }),
      { numRuns: RUNS },
    );
  });

  it('no false accept: any change to body, request id, timestamp, signature or key is rejected as a mismatch', () => {
    const mutation = fc.oneof(
      fc.record({ what: fc.constant('body-bit' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ what: fc.constant('body-append' as const), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ what: fc.constant('body-truncate' as const), at: fc.nat() }),
      fc.record({ what: fc.constant('request-id' as const), other: requestIdArb }),
      fc.record({
        what: fc.constant('timestamp' as const),
        delta: fc.integer({ min: -300, max: 300 }).filter((x) => x !== 0),
      }),
      fc.record({
        what: fc.constant('signature-digit' as const),
        at: fc.integer({ min: 0, max: 63 }),
        digit: fc.integer({ min: 1, max: 15 }),
      }),
      fc.record({ what: fc.constant('key' as const), other: keyArb }),
    );
    fc.assert(
      fc.property(deliveryArb, mutation, (d, m) => {
        let { body, rid, ts, sig } = d;
        let key = d.key;
        switch (m.what) {
          case 'body-bit': {
            if (body.length === 0) return;
            body = Buffer.from(body);
            const at = m.at % body.length;
            body[at] = body[at]! ^ (1 << m.bit);
            break;
          }
          case 'body-append':
            body = Buffer.concat([body, Buffer.from([m.byte])]);
            break;
          case 'body-truncate':
            if (body.length === 0) return;
            body = body.subarray(0, m.at % body.length);
            break;
          case 'request-id':
            if (m.other === rid) return;
            rid = m.other;
            break;
          case 'timestamp': {
            const moved = Number(ts) + m.delta;
            if (Math.abs(moved - NOW_S) > 300) return;
            ts = String(moved);
            break;
          }
          case 'signature-digit': {
            const hex = [...sig.slice(7).toLowerCase()];
            hex[m.at] = ((parseInt(hex[m.at]!, 16) + m.digit) % 16).toString(16);
            sig = `sha256=${hex.join('')}`;
            break;
          }
          case 'key':
            if (strip(m.other) === strip(key)) return;
            key = m.other;
            break;
        }
        const headers = { [NAMES[0]]: rid, [NAMES[1]]: ts, [NAMES[2]]: sig };
        const result = verifyInkboxSignature({ rawBody: body, headers, signingKey: key, now: NOW_S * 1000 });
        expect(reasonOf(result)).toBe('signature_mismatch');
      }),
      { numRuns: RUNS },
    );
  });

  it('agrees with the reference on near-valid and malformed headers (form, then time, then keys)', () => {
    const nearValid = (valid: fc.Arbitrary<string>, broken: fc.Arbitrary<string>): fc.Arbitrary<Slot> =>
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc.tuple(valid, fc.boolean()).map(([value, wrap]): Slot => ({ kind: 'one', value, wrap })),
        },
        {
          weight: 3,
          arbitrary: fc.tuple(broken, fc.boolean()).map(([value, wrap]): Slot => ({ kind: 'one', value, wrap })),
        },
        { weight: 1, arbitrary: fc.constant<Slot>({ kind: 'absent' }) },
        { weight: 1, arbitrary: fc.constant<Slot>({ kind: 'one', value: '', wrap: false }) },
        { weight: 1, arbitrary: fc.tuple(valid, valid).map(([x, y]): Slot => ({ kind: 'two', values: [x, y] })) },
      );
    const brokenRid = fc.oneof(
      fc.constant('has space'),
      fc.string({ unit: visible, minLength: 257, maxLength: 300 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }),
      fc.constantFrom('tab\there', 'new\nline', 'é', '\u0000'),
    );
    const tsValid = fc.integer({ min: -400, max: 400 }).map((o) => String(NOW_S + o));
    const brokenTs = fc.oneof(
      fc.constantFrom(
        '1764288000.5',
        '-1764288000',
        '+1764288000',
        '0x6928',
        '1e9',
        ' 1764288000',
        '1764288000 ',
        '1764288000000',
        'NaN',
        'Infinity',
      ),
      fc.string({ maxLength: 14 }),
      fc.bigInt({ min: 10n ** 12n, max: 10n ** 15n }).map(String),
      fc.integer({ min: 0, max: 999_999_999_999 }).map(String),
    );
    fc.assert(
      fc.property(
        fc.record({
          key: keyArb,
          extraKeys: fc.array(fc.oneof(keyArb, fc.constantFrom('', 'whsec_', ' ', 'whsec_ ')), { maxLength: 2 }),
          body: bodyArb,
          rid: requestIdArb,
          ts: tsValid,
          tolerance: fc.oneof(fc.constant(300), fc.integer({ min: 0, max: 600 })),
          sigShape: fc.constantFrom(
            'right',
            'right-upper',
            'wrong',
            'short',
            'long',
            'no-scheme',
            'sha1',
            'SHA256',
            'v1',
            'non-hex',
            'padded',
            'garbage',
          ),
          garbage: fc.string({ maxLength: 80 }),
          casing: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        }),
        nearValid(requestIdArb, brokenRid),
        nearValid(tsValid, brokenTs),
        fc.boolean(),
        (p, ridSlot, tsSlot, sigPresent) => {
          const rid = ridSlot.kind === 'one' ? ridSlot.value : p.rid;
          const ts = tsSlot.kind === 'one' ? tsSlot.value : p.ts;
          const mac = referenceMac(p.key, rid, ts, p.body);
          const shapes: Record<string, string> = {
            right: `sha256=${mac}`,
            'right-upper': `sha256=${mac.toUpperCase()}`,
            wrong: `sha256=${referenceMac(`${p.key}x`, rid, ts, p.body)}`,
            short: `sha256=${mac.slice(0, 63)}`,
            long: `sha256=${mac}0`,
            'no-scheme': mac,
            sha1: `sha1=${mac.slice(0, 40)}`,
            SHA256: `SHA256=${mac}`,
            v1: `v1=${mac}`,
            'non-hex': `sha256=${mac.slice(0, 63)}g`,
            padded: `sha256=${mac}\u0000`,
            garbage: p.garbage,
          };
          const sigSlot: Slot = sigPresent
            ? { kind: 'one', value: shapes[p.sigShape]!, wrap: false }
            : { kind: 'absent' };
          const keys = [...p.extraKeys, p.key];
          const input = {
            rid: ridSlot,
            ts: tsSlot,
            sig: sigSlot,
            keys,
            body: p.body,
            nowS: NOW_S,
            tolerance: p.tolerance,
          };
          const headers = toHeaders([ridSlot, tsSlot, sigSlot], p.casing);
          const result = verifyInkboxSignature({
            rawBody: p.body,
            headers: headers as never,
            signingKey: keys,
            now: NOW_S * 1000,
            toleranceSeconds: p.tolerance,
          });
          expect(reasonOf(result)).toBe(reference(input));
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('enforces the tolerance window exactly, in both directions', () => {
    fc.assert(
      fc.property(
        deliveryArb,
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: -2_000, max: 2_000 }),
        (d, tolerance, skew) => {
          const headers = { [NAMES[0]]: d.rid, [NAMES[1]]: d.ts, [NAMES[2]]: d.sig };
          const nowS = Number(d.ts) + skew;
          const result = verifyInkboxSignature({
            rawBody: d.body,
            headers,
            signingKey: d.key,
            now: nowS * 1000 + 999,
            toleranceSeconds: tolerance,
          });
          const expected: Reason =
            skew > tolerance ? 'timestamp_too_old' : -skew > tolerance ? 'timestamp_in_future' : 'ok';
          expect(reasonOf(result)).toBe(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never throws, whatever it is given, and never puts a key in its message', () => {
    const secret = 'whsec_property_secret_never_shown';
    fc.assert(
      fc.property(
        fc.anything({
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withNullPrototype: true,
          withBigInt: true,
        }),
        fc.anything({ withTypedArray: true, withNullPrototype: true }),
        fc.oneof(fc.anything(), fc.constant(secret), fc.constant([secret, 7])),
        fc.oneof(fc.anything(), fc.date(), fc.double()),
        fc.oneof(fc.anything(), fc.double()),
        (headers, rawBody, signingKey, now, toleranceSeconds) => {
          const inputs = [
            { headers, rawBody, signingKey, now, toleranceSeconds },
            {
              headers: {
                'x-inkbox-request-id': 'r',
                'x-inkbox-timestamp': String(NOW_S),
                'x-inkbox-signature': `sha256=${'a'.repeat(64)}`,
                ...(typeof headers === 'object' ? headers : {}),
              },
              rawBody,
              signingKey,
              now: NOW_S * 1000,
            },
            headers,
          ];
          for (const input of inputs) {
            let result: InkboxSignatureResult | undefined;
            expect(() => {
              result = verifyInkboxSignature(input as never);
            }).not.toThrow();
            expect(typeof result!.ok).toBe('boolean');
            if (!result!.ok) {
              expect(typeof result!.message).toBe('string');
              expect(result!.message).not.toContain('property_secret');
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('never accepts with a key that is empty once whitespace and whsec_ are removed', () => {
    fc.assert(
      fc.property(
        requestIdArb,
        bodyArb,
        fc.constantFrom('whsec_', '', ' ', 'whsec_ ', ' whsec_', '\nwhsec_\n', '\t'),
        (rid, body, key) => {
          const ts = String(NOW_S);
          const sig = `sha256=${referenceMac('', rid, ts, body)}`; // what anyone can compute
          const result = verifyInkboxSignature({
            rawBody: body,
            headers: { [NAMES[0]]: rid, [NAMES[1]]: ts, [NAMES[2]]: sig },
            signingKey: [key],
            now: NOW_S * 1000,
          });
          expect(reasonOf(result)).toBe('no_signing_key');
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe(`readInkboxHeader — properties (FC_SEED=${SEED})`, () => {
  const name = 'x-inkbox-signature';
  const spelling = fc.oneof(
    fc.constantFrom(name, 'X-Inkbox-Signature', name.toUpperCase()),
    fc
      .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
      .map((mask) => [...name].map((c, i) => (mask[i] ? c.toUpperCase() : c)).join('')),
  );
  const otherHeaders = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 20 }).filter((k) => k.toLowerCase() !== name),
    fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.integer()),
    { maxKeys: 8 },
  );

  it('finds one header under any spelling, among any other headers', () => {
    fc.assert(
      fc.property(spelling, fc.string(), otherHeaders, fc.boolean(), (key, value, others, wrap) => {
        const headers = { ...others, [key]: wrap ? [value] : value };
        expect(readInkboxHeader(headers, name)).toBe(value);
        expect(readInkboxHeader(headers, 'X-Inkbox-Signature')).toBe(value);
      }),
      { numRuns: RUNS },
    );
  });

  it('reports a header given twice (two spellings, or a list of two) as undefined, and an absent one as null', () => {
    fc.assert(
      fc.property(spelling, spelling, fc.string(), fc.string(), otherHeaders, (k1, k2, v1, v2, others) => {
        if (k1 !== k2) expect(readInkboxHeader({ ...others, [k1]: v1, [k2]: v2 }, name)).toBeUndefined();
        expect(readInkboxHeader({ ...others, [k1]: [v1, v2] }, name)).toBeUndefined();
        expect(readInkboxHeader({ ...others, [k1]: [] }, name)).toBeNull();
        expect(readInkboxHeader({ ...others, [k1]: undefined }, name)).toBeNull();
        expect(readInkboxHeader({ ...others, [k1]: null }, name)).toBeNull();
        expect(readInkboxHeader(others, name)).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('reads numbers as their decimal text and a fetch Headers object through get()', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.string({ unit: visible, maxLength: 40 }), (n, v) => {
        expect(readInkboxHeader({ 'x-inkbox-timestamp': n }, 'x-inkbox-timestamp')).toBe(String(n));
        expect(readInkboxHeader(new Headers(v ? { [name]: v } : {}), name)).toBe(v ? v : null);
      }),
      { numRuns: RUNS },
    );
  });

  it('never throws on any plain data', () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true }),
        (headers) => {
          const value = readInkboxHeader(headers as never, name);
          expect(value === null || value === undefined || typeof value === 'string').toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
