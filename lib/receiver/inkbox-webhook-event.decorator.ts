import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { readVerifiedInkboxEvent } from './inkbox-event.reader.js';
import type { InkboxRequest } from './inkbox-request.js';

/**
 * Parameter decorator: the verified, validated Inkbox event of this request (the route must use
 * `InkboxSignatureGuard`). Unlike `@Body()`, global pipes do not re-validate it.
 */
export const InkboxWebhookEvent = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  readVerifiedInkboxEvent(context.switchToHttp().getRequest<InkboxRequest>()),
);
