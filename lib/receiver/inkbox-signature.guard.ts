import {
  type CanActivate,
  type ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { INKBOX_CAPTURE_ERROR, INKBOX_RESOLVED_OPTIONS, INKBOX_VERIFIED } from '../inkbox.constants.js';
import type { InkboxKeyContext, ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import { isJsonContentType } from './inkbox-content-type.js';
import { isInkboxCapturedHandler } from './inkbox-captured-route.decorator.js';
import { inkboxRejectionLogFor } from './inkbox-rejection.log.js';
import { inkboxHttpError } from './inkbox-http-error.js';
import { getInkboxRawBody, type InkboxRequest } from './inkbox-request.js';
import { inkboxCaptureRejectionReason, recordInkboxRejection } from '../telemetry/inkbox-rejection.js';
import {
  inkboxSignatureFailureStatus,
  verifyInkboxSignature,
  type InkboxSignatureFailure,
} from '../signature/inkbox-signature.js';
import { INKBOX_MESSAGES } from '../messages.js';
import { InkboxTelemetry } from '../telemetry/inkbox-telemetry.service.js';

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
  /**
   * Opens the request's `inkbox.receive` span before the signature is checked, so that rejected
   * deliveries are traced and counted too (absent where the module's providers are not visible).
   */
  @Optional() @Inject(InkboxTelemetry) protected readonly telemetry?: InkboxTelemetry;

  constructor(@Inject(INKBOX_RESOLVED_OPTIONS) protected readonly options: ResolvedInkboxOptions) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<InkboxRequest>();
    if (this.telemetry?.enabled && context.getType() === 'http') this.telemetry.startReceive(req, http.getResponse());
    const captureError = req[INKBOX_CAPTURE_ERROR];
    if (captureError) {
      recordInkboxRejection(req, inkboxCaptureRejectionReason(captureError.status));
      if (captureError.status === 500) this.logger.error(captureError.message);
      else this.reject(req, captureError.status, 'capture', captureError.message);
      throw inkboxHttpError(captureError.status, captureError.message);
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      const message = INKBOX_MESSAGES.notJson;
      recordInkboxRejection(req, 'unsupported_media_type');
      this.reject(req, HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'unsupported_media_type', message);
      throw inkboxHttpError(HttpStatus.UNSUPPORTED_MEDIA_TYPE, message);
    }
    const rawBody = getInkboxRawBody(req);
    if (!rawBody) {
      if (isInkboxCapturedHandler(context.getHandler?.())) {
        // the module's own route: the capture did not see this request as going here (for
        // example a rewrite of the URL after the capture ran); the client's doing, not a setup error
        const message =
          'The webhook body was not captured for this request URL: send deliveries to the webhook path exactly as configured.';
        recordInkboxRejection(req, 'not_captured');
        this.reject(req, HttpStatus.BAD_REQUEST, 'not_captured', message);
        throw inkboxHttpError(HttpStatus.BAD_REQUEST, message);
      }
      this.logger.error(INKBOX_MESSAGES.noRawBody);
      throw inkboxHttpError(HttpStatus.INTERNAL_SERVER_ERROR, INKBOX_MESSAGES.noRawBody);
    }
    if (this.options.dynamicKeys) {
      // form and time first: a resolver (often a lookup) only runs for a well-formed, fresh request
      const precheck = verifyInkboxSignature({
        rawBody,
        headers: req.headers,
        signingKey: [],
        toleranceSeconds: this.options.toleranceSeconds,
      });
      if (!precheck.ok && precheck.reason !== 'no_signing_key') return this.onInvalidSignature(precheck, req);
    }
    const keyContext: InkboxKeyContext = { headers: req.headers, params: req.params ?? {} };
    let keys: readonly string[];
    try {
      keys = await this.getSigningKeys(keyContext, req);
    } catch (error) {
      this.logger.error(`The signing-key resolver failed: ${(error as Error)?.message ?? String(error)}`);
      throw inkboxHttpError(
        HttpStatus.INTERNAL_SERVER_ERROR,
        'The signing-key resolver failed; see the application log.',
      );
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
  protected getSigningKeys(
    context: InkboxKeyContext,
    _req: InkboxRequest,
  ): readonly string[] | Promise<readonly string[]> {
    return this.options.resolveKeys(context);
  }

  /** Logs one rejection (rate-limited, request values escaped). */
  protected reject(req: InkboxRequest, status: number, reason: string, message: string): void {
    inkboxRejectionLogFor(this.options).reject(status, reason, message, req.headers);
  }

  /** Called when verification fails; throws the HTTP error of the status table. */
  protected onInvalidSignature(failure: InkboxSignatureFailure, req: InkboxRequest): never {
    const status = inkboxSignatureFailureStatus(failure.reason);
    recordInkboxRejection(req, failure.reason);
    this.reject(req, status, failure.reason, failure.message);
    const message =
      failure.reason === 'no_signing_key'
        ? 'No signing key is configured for this delivery, so its signature cannot be checked.'
        : failure.message;
    throw inkboxHttpError(status, message);
  }
}
