import { verifyInkboxSignature, type InkboxSignatureResult } from '../../lib';

export { createInkboxEvent, deliverInkboxEvent, sendInkboxWebhook, signInkboxWebhook } from '../../lib/testing';

/** Verifies a delivery as the receiver would, with the current clock. */
export function verifyWith(signingKey: string, headers: Record<string, string>, body: string): InkboxSignatureResult {
  return verifyInkboxSignature({ rawBody: body, headers, signingKey });
}
