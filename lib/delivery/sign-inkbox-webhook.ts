import { randomUUID } from 'node:crypto';
import { computeInkboxSignature } from '../signature/inkbox-signature.js';

/** Options of {@link signInkboxWebhook}. */
export interface SignInkboxWebhookOptions {
  /** The signing key to sign with (`whsec_…` or bare). */
  signingKey: string;
  /** `X-Inkbox-Request-ID`; default a random UUID. */
  requestId?: string;
  /** `X-Inkbox-Timestamp` in unix seconds; default now. */
  timestamp?: number | string;
}

/** A signed delivery, ready to send: the exact body string and its headers. */
export interface SignedInkboxWebhook {
  /** The exact string that was signed; send it unchanged. */
  body: string;
  /** The headers to send with it: the three `X-Inkbox-*` headers and the JSON content type. */
  headers: {
    'Content-Type': 'application/json';
    'X-Inkbox-Request-ID': string;
    'X-Inkbox-Timestamp': string;
    'X-Inkbox-Signature': string;
  };
}

/**
 * Signs a webhook body the way Inkbox does. An object is serialised once with `JSON.stringify`, and
 * that string is both signed and returned, so the signature always matches what you send.
 *
 * @example
 * const { body, headers } = signInkboxWebhook(createInkboxEvent('message.bounced'), { signingKey: 'whsec_test' });
 * await request(app.getHttpServer()).post('/inkbox/webhooks').set(headers).send(body).expect(200);
 */
export function signInkboxWebhook(body: unknown, options: SignInkboxWebhookOptions): SignedInkboxWebhook {
  if (!options || typeof options.signingKey !== 'string' || options.signingKey === '') {
    throw new TypeError('signInkboxWebhook needs { signingKey }.');
  }
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
  if (typeof text !== 'string') throw new TypeError('signInkboxWebhook needs a body that serialises to JSON.');
  const requestId = options.requestId ?? randomUUID();
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    body: text,
    headers: {
      'Content-Type': 'application/json',
      'X-Inkbox-Request-ID': requestId,
      'X-Inkbox-Timestamp': timestamp,
      'X-Inkbox-Signature': computeInkboxSignature(options.signingKey, requestId, timestamp, text),
    },
  };
}
