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
export { parseInkboxEvent, parseInkboxPayloadAs, InkboxPayloadError } from './events/inkbox-event.parser.js';
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

export { InkboxContact } from './events/dto/inkbox-contact.dto.js';
export { InkboxAgentIdentity } from './events/dto/inkbox-agent-identity.dto.js';
export { InkboxLegacyContact } from './events/dto/inkbox-legacy-contact.dto.js';
export { WebhookContext } from './events/dto/webhook-context.dto.js';
export { WebhookContextBlock } from './events/dto/webhook-context-block.dto.js';
export { WebhookTranscriptEntry } from './events/dto/webhook-transcript-entry.dto.js';
export type * from './events/dto/webhook-context-item.interface.js';
export { InkboxTextEvent } from './events/dto/inkbox-text-event.dto.js';
export { TextEventData } from './events/dto/text-event-data.dto.js';
export { TextMessage } from './events/dto/text-message.dto.js';
export { TextMediaItem } from './events/dto/text-media-item.dto.js';
export { TextMessageRecipient } from './events/dto/text-message-recipient.dto.js';
export { TextReceivedEvent } from './events/dto/text-received-event.dto.js';
export { TextSentEvent } from './events/dto/text-sent-event.dto.js';
export { TextDeliveredEvent } from './events/dto/text-delivered-event.dto.js';
export { TextDeliveryFailedEvent } from './events/dto/text-delivery-failed-event.dto.js';
export { TextDeliveryUnconfirmedEvent } from './events/dto/text-delivery-unconfirmed-event.dto.js';
export { InkboxIMessageEvent } from './events/dto/inkbox-imessage-event.dto.js';
export { IMessageEventData } from './events/dto/imessage-event-data.dto.js';
export { IMessageMessage } from './events/dto/imessage-message.dto.js';
export { IMessageReaction } from './events/dto/imessage-reaction.dto.js';
export { IMessageMessageReaction } from './events/dto/imessage-message-reaction.dto.js';
export { IMessageMediaItem } from './events/dto/imessage-media-item.dto.js';
export { IMessageRecipient } from './events/dto/imessage-recipient.dto.js';
export { IMessageReceivedEvent } from './events/dto/imessage-received-event.dto.js';
export { IMessageReactionReceivedEvent } from './events/dto/imessage-reaction-received-event.dto.js';
export { IMessageSentEvent } from './events/dto/imessage-sent-event.dto.js';
export { IMessageDeliveredEvent } from './events/dto/imessage-delivered-event.dto.js';
export { IMessageDeliveryFailedEvent } from './events/dto/imessage-delivery-failed-event.dto.js';
export { CallEndedEvent } from './events/dto/call-ended-event.dto.js';
export { CallEndedEventData } from './events/dto/call-ended-event-data.dto.js';
export { PhoneCall } from './events/dto/phone-call.dto.js';
export { CallTranscript } from './events/dto/call-transcript.dto.js';
export { PostCallActionItem } from './events/dto/post-call-action-item.dto.js';
export { InkboxA2AEvent } from './events/dto/inkbox-a2a-event.dto.js';
export { A2ATaskEventData } from './events/dto/a2a-task-event-data.dto.js';
export { A2ACaller } from './events/dto/a2a-caller.dto.js';
export { A2ATaskCreatedEvent } from './events/dto/a2a-task-created-event.dto.js';
export { A2ATaskMessageEvent } from './events/dto/a2a-task-message-event.dto.js';
export { A2ATaskCanceledEvent } from './events/dto/a2a-task-canceled-event.dto.js';
export { A2ASentTaskUpdatedEvent } from './events/dto/a2a-sent-task-updated-event.dto.js';
export { PhoneIncomingCallEvent } from './events/dto/phone-incoming-call-event.dto.js';
export { PhoneRateLimit } from './events/dto/phone-rate-limit.dto.js';
export { OnInkboxIncomingCall, type InkboxIncomingCallHandlerMethod } from './handlers/on-inkbox-incoming-call.decorator.js';
export type * from './handlers/inkbox-incoming-call-decision.interface.js';
export { InkboxIncomingCallDispatcher } from './handlers/inkbox-incoming-call.dispatcher.js';

export * from './admin/index.js';

export { InkboxMemoryStore } from './idempotency/inkbox-memory.store.js';
export {
  InkboxRedisStore,
  DEFAULT_INKBOX_REDIS_KEY_PREFIX,
  DEFAULT_INKBOX_REDIS_COMMAND_TIMEOUT_MS,
  type InkboxRedisStoreOptions,
} from './idempotency/inkbox-redis.store.js';

export { INKBOX_CONTEXT_TYPE, getInkboxContext, type InkboxContextType, type InkboxHandlerArguments } from './handlers/inkbox-execution-context.js';
export { OnInkboxHandlerError } from './telemetry/on-inkbox-handler-error.decorator.js';
export type { InkboxHandlerErrorInfo, InkboxHandlerErrorHook } from './telemetry/inkbox-handler-error.interface.js';
export { InkboxHandlerRunner, type InkboxHandlerRun } from './handlers/inkbox-handler.runner.js';
export type { InkboxHandler } from './handlers/inkbox-handler.interface.js';
export { InkboxTelemetry, type InkboxDeliveryOutcome, type InkboxHandlerOutcome, type InkboxHandleScope } from './telemetry/inkbox-telemetry.service.js';
export { INKBOX_RECEIVE_SPAN, INKBOX_HANDLE_SPAN, INKBOX_ATTRIBUTES, INKBOX_METRICS } from './telemetry/inkbox-telemetry.constants.js';
export { injectInkboxTraceContext, runWithInkboxTraceContext, type InkboxTraceCarrier } from './telemetry/inkbox-trace-context.js';
export {
  InkboxHealthIndicator,
  type InkboxHealthCheckOptions,
  type InkboxHealthResult,
  type InkboxQueueHealth,
  type InkboxQueueHealthProbe,
} from './telemetry/inkbox-health.indicator.js';
export { InkboxLogEntry, type InkboxLogFields } from './telemetry/inkbox-log-entry.js';
export * from './queue/index.js';
