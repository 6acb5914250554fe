export * from './inkbox.constants.js';
export { InkboxModule } from './inkbox.module.js';
export { INKBOX_MODULE_OPTIONS, INKBOX_OPTIONS_TYPE, INKBOX_ASYNC_OPTIONS_TYPE } from './inkbox.module-definition.js';
export { InkboxConfigurationError, resolveInkboxOptions } from './inkbox-options.js';
export type * from './interfaces/inkbox-module-options.interface.js';
export type * from './interfaces/inkbox-idempotency-store.interface.js';
export type * from './interfaces/inkbox-delivery-context.interface.js';
export type * from './interfaces/inkbox-route.interface.js';

export * from './webhooks/inkbox-signature.js';
export { InkboxSignatureGuard } from './webhooks/inkbox-signature.guard.js';
export { InkboxRawBodyInterceptor } from './webhooks/inkbox-raw-body.interceptor.js';
export { InkboxWebhookEvent } from './webhooks/inkbox-webhook-event.decorator.js';
export type { InkboxWebhookResponse } from './webhooks/inkbox-webhook.controller.js';
export { isJsonContentType } from './webhooks/inkbox-content-type.js';

export { OnInkboxEvent, type InkboxEventHandlerMethod } from './events/on-inkbox-event.decorator.js';
export { InkboxEventDispatcher, inkboxEventKey } from './events/inkbox-event.dispatcher.js';
export { parseInkboxEvent, InkboxPayloadError } from './events/inkbox-event.parser.js';
export * from './events/inkbox-event-types.js';
export { InkboxEvent } from './events/inkbox-event.dto.js';
export { InkboxMailEvent } from './events/inkbox-mail-event.dto.js';
export { InkboxMailEventData } from './events/mail-event-data.dto.js';
export { InkboxMailMessage } from './events/mail-message.dto.js';
export { InkboxMailContact } from './events/mail-contact.dto.js';
export { InkboxMailLegacyContact } from './events/mail-legacy-contact.dto.js';
export { InkboxMailAgentIdentity } from './events/mail-agent-identity.dto.js';
export { MessageReceivedEvent } from './events/message-received-event.dto.js';
export { MessageSentEvent } from './events/message-sent-event.dto.js';
export { MessageForwardedEvent } from './events/message-forwarded-event.dto.js';
export { MessageDeliveredEvent } from './events/message-delivered-event.dto.js';
export { MessageBouncedEvent } from './events/message-bounced-event.dto.js';
export { MessageFailedEvent } from './events/message-failed-event.dto.js';

export * from './admin/index.js';

export { InkboxMemoryStore } from './idempotency/inkbox-memory.store.js';
export {
  InkboxRedisStore,
  DEFAULT_INKBOX_REDIS_KEY_PREFIX,
  DEFAULT_INKBOX_REDIS_COMMAND_TIMEOUT_MS,
  type InkboxRedisStoreOptions,
} from './idempotency/inkbox-redis.store.js';
