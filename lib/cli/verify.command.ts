import { parseArgs } from 'node:util';
import { DEFAULT_TOLERANCE_SECONDS, INKBOX_REQUEST_ID_HEADER, INKBOX_SIGNATURE_HEADER, INKBOX_TIMESTAMP_HEADER } from '../inkbox.constants.js';
import { readInkboxHeader, verifyInkboxSignature, type InkboxSignatureResult } from '../signature/inkbox-signature.js';
import { CliUsageError, EXIT_FAILURE, EXIT_OK, splitKeys, type CliIo } from './cli-io.js';
import { parseHeadersText, parseMoment, parseWholeNumber, readFileOption } from './cli-values.js';

/** Help text of `nestjs-inkbox verify`. */
export const VERIFY_HELP = `Usage: nestjs-inkbox verify --headers <file> --body <file> [options]

Checks a captured delivery exactly as the receiver does, and says which check fails:
  1. headers    X-Inkbox-Request-ID, X-Inkbox-Timestamp and X-Inkbox-Signature are present
                and well formed (a failure here is answered 400)
  2. timestamp  within the tolerance of the clock, both ways (401)
  3. signature  HMAC-SHA256 over "{request id}.{timestamp}." + the body bytes, with each key (401)
The signature is also checked on its own, at the signing time, so a captured (old) delivery
still tells you whether key and body are right.
Exits 0 when the delivery verifies, 1 when it does not.

Options:
  --headers <file>       the request headers: a JSON object, or "Name: value" lines as a log,
                         a proxy or curl -v shows them
  --body <file>          the request body, byte for byte as it was received
  --signing-key <key>    a key to try. Repeatable. Default: the INKBOX_SIGNING_KEY variable
                         (several keys may be separated by commas)
  --tolerance <seconds>  allowed distance between the signed time and the clock. Default: ${DEFAULT_TOLERANCE_SECONDS}
  --now <time>           the clock to check the time window against (unix seconds or ISO-8601),
                         e.g. when the delivery was received. Default: now
  --json                 print one JSON object instead of text
  -h, --help             show this help

Keys are never printed, nor is any signature computed with them.

Example:
  INKBOX_SIGNING_KEY=whsec_... nestjs-inkbox verify --headers headers.txt --body body.json --now 2026-05-17T09:30:00Z
`;

type CheckState = 'ok' | 'fail' | 'skipped';

interface Check {
  name: 'headers' | 'timestamp' | 'signature';
  state: CheckState;
  detail: string;
}

const HEADER_REASONS = new Set(['missing_request_id', 'missing_timestamp', 'missing_signature', 'malformed_request_id', 'malformed_timestamp', 'malformed_signature']);

function iso(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? `${seconds}` : date.toISOString();
}

function span(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} days`;
}

function preview(value: string | null | undefined): string {
  if (value === null || value === undefined) return '(missing)';
  return value.length > 24 ? `${value.slice(0, 20)}…` : value;
}

/** Variants of the body file that differ from the original by what editors and copies add. */
function alterations(body: Buffer): Array<{ body: Buffer; hint: string }> {
  const out: Array<{ body: Buffer; hint: string }> = [];
  let trimmed = body;
  if (trimmed.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))) {
    trimmed = trimmed.subarray(3);
    out.push({ body: trimmed, hint: 'The signature matches once the byte-order mark at the start of the body file is removed: the file was saved with a BOM the request did not have.' });
  }
  const withoutNewline = trimmed.subarray(0, trimmed.length - (trimmed.toString('latin1').match(/(\r?\n)+$/)?.[0].length ?? 0));
  if (withoutNewline.length !== trimmed.length) {
    out.push({ body: withoutNewline, hint: 'The signature matches once the final newline of the body file is removed: the file has a newline the request did not have.' });
  }
  return out;
}

/** `nestjs-inkbox verify`: explains whether and why a captured delivery verifies. */
export async function runVerify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      headers: { type: 'string' },
      body: { type: 'string' },
      'signing-key': { type: 'string', multiple: true },
      tolerance: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.out(VERIFY_HELP);
    return EXIT_OK;
  }
  if (positionals.length > 0) throw new CliUsageError(`verify takes no arguments besides options (got "${positionals[0]}").`);
  for (const key of values['signing-key'] ?? []) io.addSecret(key);
  const keys = (values['signing-key'] ?? []).filter((k) => k !== '');
  if (keys.length === 0) keys.push(...splitKeys(io.env.INKBOX_SIGNING_KEY));
  if (keys.length === 0) throw new CliUsageError('no signing key: pass --signing-key <key> (repeatable) or set the INKBOX_SIGNING_KEY environment variable.');
  if (values.headers === undefined) throw new CliUsageError('--headers <file> is required: the captured request headers.');
  if (values.body === undefined) throw new CliUsageError('--body <file> is required: the captured request body.');
  const headers = parseHeadersText(readFileOption(values.headers, '--headers').toString('utf8'));
  const body = readFileOption(values.body, '--body');
  const toleranceSeconds = parseWholeNumber(values.tolerance, '--tolerance', 0) ?? DEFAULT_TOLERANCE_SECONDS;
  const now = values.now !== undefined ? parseMoment(values.now, '--now') : Date.now();
  const nowSeconds = Math.floor(now / 1000);

  const result = verifyInkboxSignature({ rawBody: body, headers, signingKey: keys, toleranceSeconds, now });
  const checks: Check[] = [];
  const hints: string[] = [];
  const requestId = readInkboxHeader(headers, INKBOX_REQUEST_ID_HEADER);
  const timestampText = readInkboxHeader(headers, INKBOX_TIMESTAMP_HEADER);
  const signature = readInkboxHeader(headers, INKBOX_SIGNATURE_HEADER);
  let signatureResult: InkboxSignatureResult | undefined;

  if (!result.ok && HEADER_REASONS.has(result.reason)) {
    checks.push({ name: 'headers', state: 'fail', detail: result.message });
    checks.push({ name: 'timestamp', state: 'skipped', detail: 'not checked until the headers are right' });
    checks.push({ name: 'signature', state: 'skipped', detail: 'not checked until the headers are right' });
    const names = Object.keys(headers).map((n) => n.toLowerCase());
    if (!names.some((n) => n.startsWith('x-inkbox-'))) {
      hints.push('The headers file has no X-Inkbox-* header at all: was it captured before a proxy or framework removed them?');
    }
  } else {
    checks.push({
      name: 'headers',
      state: 'ok',
      detail: `X-Inkbox-Request-ID ${preview(requestId)}, X-Inkbox-Timestamp ${timestampText}, X-Inkbox-Signature ${preview(signature)}`,
    });
    const signedAt = Number(timestampText);
    const age = nowSeconds - signedAt;
    const when = age >= 0 ? `${span(age)} before the clock` : `${span(age)} after the clock`;
    if (!result.ok && (result.reason === 'timestamp_too_old' || result.reason === 'timestamp_in_future')) {
      checks.push({ name: 'timestamp', state: 'fail', detail: `signed ${iso(signedAt)}, ${when} (${iso(nowSeconds)}); at most ${toleranceSeconds} s are allowed` });
      if (result.reason === 'timestamp_too_old') {
        hints.push(
          values.now === undefined
            ? 'A captured delivery is old by the time you check it: pass --now <time it was received> to check the window then. If it failed when it arrived, the server clock or a slow queue in front of the app is the cause.'
            : 'The delivery was already too old at --now: a queue or retry held it back, or the server clock is behind.',
        );
      } else {
        hints.push("The signing time is ahead of the clock: this server's clock is probably behind (check NTP).");
      }
    } else {
      checks.push({ name: 'timestamp', state: 'ok', detail: `signed ${iso(signedAt)}, ${when}; within ±${toleranceSeconds} s` });
    }
    signatureResult = verifyInkboxSignature({ rawBody: body, headers, signingKey: keys, toleranceSeconds, now: signedAt * 1000 });
    if (signatureResult.ok) {
      checks.push({ name: 'signature', state: 'ok', detail: `matches key ${signatureResult.keyIndex + 1} of ${keys.length}` });
    } else {
      checks.push({ name: 'signature', state: 'fail', detail: signatureResult.message });
      const fix = alterations(body).find((a) => verifyInkboxSignature({ rawBody: a.body, headers, signingKey: keys, toleranceSeconds, now: signedAt * 1000 }).ok);
      if (fix) hints.push(fix.hint);
      else {
        hints.push(
          'Either the key is not the one that signed this delivery (signing keys belong to an agent identity: use the key of the identity that owns the mailbox, and the new key after a rotation), or the body is not the exact bytes received (a proxy or body parser re-encoded it, or it was copied from a pretty-printed view).',
        );
      }
    }
  }

  const verdict = result.ok ? 'verifies' : `does not verify (${result.reason})`;
  if (values.json) {
    io.out(`${JSON.stringify({ ok: result.ok, reason: result.ok ? null : result.reason, message: result.ok ? null : result.message, checks, hints, keyIndex: result.ok ? result.keyIndex : null })}\n`);
  } else {
    io.out(`Checking a delivery against ${keys.length === 1 ? '1 key' : `${keys.length} keys`}, tolerance ${toleranceSeconds} s, clock ${iso(nowSeconds)}\n\n`);
    for (const check of checks) io.out(`  ${check.name.padEnd(10)} ${check.state === 'ok' ? 'ok  ' : check.state === 'fail' ? 'FAIL' : '--  '}  ${check.detail}\n`);
    io.out(`\nThe delivery ${verdict}${result.ok ? '.' : `: ${result.message}`}\n`);
    for (const hint of hints) io.out(`Hint: ${hint}\n`);
  }
  return result.ok ? EXIT_OK : EXIT_FAILURE;
}
