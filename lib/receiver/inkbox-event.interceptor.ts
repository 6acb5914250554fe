import {
  type CallHandler,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import { INKBOX_RESOLVED_OPTIONS } from '../inkbox.constants.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import { readVerifiedInkboxEvent } from './inkbox-event.reader.js';
import { inkboxRejectionLogFor } from './inkbox-rejection.log.js';
import type { InkboxRequest } from './inkbox-request.js';

/**
 * After `InkboxSignatureGuard`, parses the verified raw bytes into the typed event and puts it in
 * `req.body` (so `@Body()` and `@InkboxWebhookEvent()` receive it), replacing whatever another body
 * parser produced. Together with the guard it turns any route of yours into an Inkbox endpoint.
 * An invalid payload is answered 400 and logged once, as on the module's own route.
 *
 * @example
 * ```ts
 * @Post('hooks/inkbox')
 * @UseGuards(InkboxSignatureGuard)
 * @UseInterceptors(InkboxEventInterceptor)
 * receive(@InkboxWebhookEvent() event: InkboxEvent) {}
 * ```
 */
@Injectable()
export class InkboxEventInterceptor implements NestInterceptor {
  constructor(@Optional() @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options?: ResolvedInkboxOptions) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<InkboxRequest>();
    try {
      req.body = readVerifiedInkboxEvent(req);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() === 400) {
        const response = error.getResponse() as { message?: unknown };
        const message = Array.isArray(response?.message) ? response.message.join('; ') : error.message;
        inkboxRejectionLogFor(this.options ?? InkboxEventInterceptor).reject(
          400,
          'invalid_payload',
          message,
          req.headers,
        );
      }
      throw error;
    }
    return next.handle();
  }
}
