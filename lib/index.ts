export * from './inkbox.constants.js';
export { InkboxModule } from './inkbox.module.js';
export { INKBOX_MODULE_OPTIONS, INKBOX_OPTIONS_TYPE, INKBOX_ASYNC_OPTIONS_TYPE } from './inkbox.module-definition.js';
export { InkboxConfigurationError, resolveInkboxOptions } from './options/inkbox-options.js';
export type * from './options/inkbox-module-options.interface.js';
export type * from './options/inkbox-delivery-options.interface.js';
export type * from './idempotency/inkbox-idempotency-store.interface.js';
export type * from './handlers/inkbox-delivery-context.interface.js';
export type * from './receiver/inkbox-route.interface.js';

export * from './signature/inkbox-signature.js';
export { InkboxSignatureGuard } from './receiver/inkbox-signature.guard.js';
export { InkboxRawBodyInterceptor } from './receiver/inkbox-raw-body.interceptor.js';
export { InkboxWebhookEvent } from './receiver/inkbox-webhook-event.decorator.js';
export type { InkboxWebhookResponse } from './receiver/inkbox-webhook.controller.js';
export { isJsonContentType } from './receiver/inkbox-content-type.js';

export { OnInkboxEvent, type InkboxEventHandlerMethod } from './handlers/on-inkbox-event.decorator.js';
export { InkboxEventDispatcher, inkboxEventKey } from './handlers/inkbox-event.dispatcher.js';
export { parseInkboxEvent, InkboxPayloadError } from './events/inkbox-event.parser.js';
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

export * from './admin/index.js';

export { InkboxMemoryStore } from './idempotency/inkbox-memory.store.js';
export {
  InkboxRedisStore,
  DEFAULT_INKBOX_REDIS_KEY_PREFIX,
  DEFAULT_INKBOX_REDIS_COMMAND_TIMEOUT_MS,
  type InkboxRedisStoreOptions,
} from './idempotency/inkbox-redis.store.js';

export * from './queue/index.js';
