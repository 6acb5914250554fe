/*
 * The public API of nestjs-inkbox. Everything exported here is covered by semantic versioning and
 * recorded in the API report (etc/nestjs-inkbox.api.md); `npm run api:check` fails on any change
 * that has not been reviewed with `npm run api:update`. Internal tokens and helpers stay out.
 */

// the module and its options
export { InkboxModule } from './inkbox.module.js';
export type * from './options/inkbox-module-options.interface.js';
export { INKBOX_REQUEST_ID_HEADER, INKBOX_SIGNATURE_HEADER, INKBOX_TIMESTAMP_HEADER } from './inkbox.constants.js';

// errors
export * from './errors.js';

// signatures, framework-free
export {
  computeInkboxSignature,
  verifyInkboxSignature,
  type InkboxHeadersLike,
  type InkboxHeaderValue,
  type InkboxSignatureFailure,
  type InkboxSignatureFailureReason,
  type InkboxSignatureResult,
  type InkboxSignatureSuccess,
  type VerifyInkboxSignatureInput,
} from './signature/inkbox-signature.js';

// receiving on routes of your own
export { InkboxSignatureGuard } from './receiver/inkbox-signature.guard.js';
export { InkboxEventInterceptor } from './receiver/inkbox-event.interceptor.js';
export { InkboxRawBodyInterceptor } from './receiver/inkbox-raw-body.interceptor.js';
export { InkboxWebhookEvent } from './receiver/inkbox-webhook-event.decorator.js';
export type { InkboxWebhookResponse } from './receiver/inkbox-webhook.controller.js';

// handlers
export { OnInkboxEvent, type InkboxEventHandlerMethod } from './handlers/on-inkbox-event.decorator.js';
export type * from './handlers/inkbox-delivery-context.interface.js';

// events
export { parseInkboxEvent } from './events/inkbox-event.parser.js';
export * from './events/inkbox-event-types.js';
export { InkboxEvent } from './events/dto/inkbox-event.dto.js';
export { InkboxMailEvent } from './events/dto/inkbox-mail-event.dto.js';
export { InkboxMailEventData } from './events/dto/mail-event-data.dto.js';
export { InkboxMailMessage } from './events/dto/mail-message.dto.js';
export { InkboxMailContact } from './events/dto/mail-contact.dto.js';
export { InkboxMailLegacyContact } from './events/dto/mail-legacy-contact.dto.js';
export { InkboxMailAgentIdentity } from './events/dto/mail-agent-identity.dto.js';
export { MessageReceivedEvent } from './events/dto/message-received-event.dto.js';
export { MessageSentEvent } from './events/dto/message-sent-event.dto.js';
export { MessageForwardedEvent } from './events/dto/message-forwarded-event.dto.js';
export { MessageDeliveredEvent } from './events/dto/message-delivered-event.dto.js';
export { MessageBouncedEvent } from './events/dto/message-bounced-event.dto.js';
export { MessageFailedEvent } from './events/dto/message-failed-event.dto.js';

// admin API client
export { InkboxAdminService } from './admin/inkbox-admin.service.js';
export { InkboxWebhookRegistrar } from './admin/inkbox-webhook.registrar.js';
export { INKBOX_ADMIN_CLIENT_OPTIONS } from './admin/admin.constants.js';
export type * from './admin/admin.types.js';

// idempotency stores
export type * from './idempotency/inkbox-idempotency-store.interface.js';
export { InkboxMemoryStore } from './idempotency/inkbox-memory.store.js';
export { InkboxRedisStore, type InkboxRedisStoreOptions } from './idempotency/inkbox-redis.store.js';
