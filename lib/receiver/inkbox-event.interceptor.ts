import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { readVerifiedInkboxEvent } from './inkbox-event.reader.js';
import type { InkboxRequest } from './inkbox-request.js';

/**
 * After `InkboxSignatureGuard`, parses the verified raw bytes into the typed event and puts it in
 * `req.body` (so `@Body()` and `@InkboxWebhookEvent()` receive it), replacing whatever another body
 * parser produced. Together with the guard it turns any route of yours into an Inkbox endpoint.
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
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<InkboxRequest>();
    req.body = readVerifiedInkboxEvent(req);
    return next.handle();
  }
}
