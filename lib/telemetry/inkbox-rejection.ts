/** Request property holding why the module rejected a delivery (for the receive span and metrics). */
export const INKBOX_REJECTION = Symbol.for('nestjs-inkbox:rejection');

/**
 * Notes on the request why a delivery is being rejected (a signature failure reason such as
 * `signature_mismatch`, or `invalid_payload`, `unsupported_media_type`, …). The `inkbox.receive`
 * span and the `inkbox.rejections` counter read it when the answer is sent. The first reason wins.
 */
export function recordInkboxRejection(req: object | undefined, reason: string): void {
  if (!req || typeof req !== 'object') return;
  const target = req as { [INKBOX_REJECTION]?: string };
  if (target[INKBOX_REJECTION] === undefined) target[INKBOX_REJECTION] = reason;
}

/** The rejection reason noted on a request, if any. */
export function getInkboxRejection(req: object | undefined): string | undefined {
  return req ? (req as { [INKBOX_REJECTION]?: string })[INKBOX_REJECTION] : undefined;
}

/** The reason of a body-capture failure, from its HTTP status. */
export function inkboxCaptureRejectionReason(status: number): string {
  switch (status) {
    case 413:
      return 'body_too_large';
    case 415:
      return 'unsupported_media_type';
    case 400:
      return 'unreadable_body';
    default:
      return 'capture_failed';
  }
}
