import { inkboxSignatureFailureStatus, verifyInkboxSignature } from '../signature/inkbox-signature.js';
import { isJsonContentType } from './inkbox-content-type.js';

/** Headers as Node, Express and Fastify hold them. */
type HeadersLike = Readonly<Record<string, string | string[] | undefined>>;

/** Why a request is refused before its body is read. */
export interface InkboxEarlyRejection {
  readonly status: 400 | 401 | 413 | 415;
  /** Short machine-readable reason (for the log). */
  readonly reason: string;
  /** The answer's message. */
  readonly message: string;
}

/**
 * Judges a webhook request by its headers alone, before any body byte is read: the three
 * `X-Inkbox-*` headers (presence, form, timestamp freshness; no key is tried), the media type,
 * the content encoding and a declared `Content-Length` above `maxBytes`.
 */
export function precheckInkboxRequest(
  headers: HeadersLike,
  toleranceSeconds: number,
  maxBytes: number,
): InkboxEarlyRejection | undefined {
  const form = verifyInkboxSignature({ rawBody: '', headers, signingKey: [], toleranceSeconds });
  if (!form.ok && form.reason !== 'no_signing_key') {
    return {
      status: inkboxSignatureFailureStatus(form.reason) === 401 ? 401 : 400,
      reason: form.reason,
      message: form.message,
    };
  }
  if (!isJsonContentType(headers['content-type'])) {
    return {
      status: 415,
      reason: 'unsupported_media_type',
      message: 'Inkbox webhooks are JSON: Content-Type must be application/json.',
    };
  }
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && (typeof encoding !== 'string' || encoding.trim().toLowerCase() !== 'identity')) {
    return {
      status: 415,
      reason: 'content_encoding',
      message: 'Compressed webhook bodies are not accepted; the signature covers the bytes as sent.',
    };
  }
  const length = headers['content-length'];
  if (typeof length === 'string' && Number(length) > maxBytes) {
    return { status: 413, reason: 'body_too_large', message: inkboxBodyTooLarge(maxBytes) };
  }
  return undefined;
}

/** The 413 message. */
export function inkboxBodyTooLarge(maxBytes: number): string {
  return `The webhook body is larger than maxBodyBytes (${maxBytes} bytes).`;
}

/** Nest's usual error JSON for a status, as the capture writes it when it answers at once. */
export function inkboxErrorBody(status: number, message: string): string {
  const names: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
  };
  return JSON.stringify({ statusCode: status, message, error: names[status] ?? 'Error' });
}
