import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { INKBOX_CAPTURE_ERROR, INKBOX_REQUEST_ID_HEADER, INKBOX_RESOLVED_OPTIONS, INKBOX_VERIFIED } from '../inkbox.constants.js';
import type { InkboxKeyContext, ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import { isJsonContentType } from './inkbox-content-type.js';
import { inkboxHttpError } from './inkbox-http-error.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import {
  inkboxSignatureFailureStatus,
  verifyInkboxSignature,
  type InkboxSignatureFailure,
} from '../signature/inkbox-signature.js';
import { INKBOX_MESSAGES } from '../messages.js';

export { inkboxHttpError };

/**
 * Lets a request through only when it carries a valid Inkbox signature over its exact body bytes.
 * Missing or malformed headers → 400; stale timestamp or no matching key → 401; non-JSON → 415;
 * over `maxBodyBytes` → 413. Use it on your own routes with `InkboxEventInterceptor`, and extend it
 * to change how keys are chosen (`getSigningKeys`) or what happens on failure (`onInvalidSignature`).
 */
@Injectable()
export class InkboxSignatureGuard implements CanActivate {
  protected readonly logger = new Logger('InkboxSignatureGuard');

  constructor(@Inject(INKBOX_RESOLVED_OPTIONS) protected readonly options: ResolvedInkboxOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<InkboxRequest>();
    const captureError = req[INKBOX_CAPTURE_ERROR];
    if (captureError) {
      if (captureError.status === 500) this.logger.error(captureError.message);
      throw inkboxHttpError(captureError.status, captureError.message);
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      throw inkboxHttpError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, INKBOX_MESSAGES.notJson);
    }
    const rawBody = getInkboxRawBody(req);
    if (!rawBody) {
      this.logger.error(INKBOX_MESSAGES.noRawBody);
      throw inkboxHttpError(HttpStatus.INTERNAL_SERVER_ERROR, INKBOX_MESSAGES.noRawBody);
    }
    if (this.options.dynamicKeys) {
      // form and time first: a resolver (often a lookup) only runs for a well-formed, fresh request
      const precheck = verifyInkboxSignature({ rawBody, headers: req.headers, signingKey: [], toleranceSeconds: this.options.toleranceSeconds });
      if (!precheck.ok && precheck.reason !== 'no_signing_key') return this.onInvalidSignature(precheck, req);
    }
    const keyContext: InkboxKeyContext = { headers: req.headers, params: req.params ?? {} };
    let keys: readonly string[];
    try {
      keys = await this.getSigningKeys(keyContext, req);
    } catch (error) {
      this.logger.error(`The signing-key resolver failed: ${(error as Error)?.message ?? String(error)}`);
      throw inkboxHttpError(HttpStatus.INTERNAL_SERVER_ERROR, 'The signing-key resolver failed; see the application log.');
    }
    const result = verifyInkboxSignature({
      rawBody,
      headers: req.headers,
      signingKey: keys,
      toleranceSeconds: this.options.toleranceSeconds,
    });
    if (!result.ok) return this.onInvalidSignature(result, req);
    req[INKBOX_VERIFIED] = result;
    return true;
  }

  /** The keys to try for this request. Default: the configured key(s) or the resolver's answer. */
  protected getSigningKeys(context: InkboxKeyContext, _req: InkboxRequest): readonly string[] | Promise<readonly string[]> {
    return this.options.resolveKeys(context);
  }

  /** Called when verification fails; throws the HTTP error of the status table. */
  protected onInvalidSignature(failure: InkboxSignatureFailure, req: InkboxRequest): never {
    const status = inkboxSignatureFailureStatus(failure.reason);
    const requestId = req.headers[INKBOX_REQUEST_ID_HEADER];
    const shownId = typeof requestId === 'string' ? requestId.slice(0, 64) : 'none';
    this.logger.warn(`Rejected webhook (request id ${shownId}): ${failure.reason}: ${failure.message}`);
    const message =
      failure.reason === 'no_signing_key' ? 'No signing key is configured for this delivery, so its signature cannot be checked.' : failure.message;
    throw inkboxHttpError(status, message);
  }
}
