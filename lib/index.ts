/*
 * The public API of nestjs-inkbox. Everything exported here is covered by semantic versioning and
 * recorded in the API report (etc/nestjs-inkbox.api.md); `npm run api:check` fails on any change
 * that has not been reviewed with `npm run api:update`. Internal tokens and helpers stay out.
 */

// the module and its options
export { InkboxModule } from './inkbox.module.js';
export type * from './options/inkbox-module-options.interface.js';
export type * from './options/inkbox-delivery-options.interface.js';
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

// every other event family, and the incoming-call webhook
export { InkboxContact } from './events/dto/inkbox-contact.dto.js';
export { InkboxPartyMatches } from './events/dto/inkbox-party-matches.dto.js';
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
export {
  OnInkboxIncomingCall,
  type InkboxIncomingCallHandlerMethod,
} from './handlers/on-inkbox-incoming-call.decorator.js';
export type * from './handlers/inkbox-incoming-call-decision.interface.js';

// admin API client
export { InkboxAdminService } from './admin/inkbox-admin.service.js';
export { InkboxWebhookRegistrar } from './admin/inkbox-webhook.registrar.js';
export { INKBOX_ADMIN_CLIENT_OPTIONS } from './admin/admin.constants.js';
export type * from './admin/admin.types.js';

// idempotency stores
export type * from './idempotency/inkbox-idempotency-store.interface.js';
export { InkboxMemoryStore } from './idempotency/inkbox-memory.store.js';
export { InkboxRedisStore, type InkboxRedisStoreOptions } from './idempotency/inkbox-redis.store.js';

// queue delivery (BullMQ)
export { InkboxQueueService } from './queue/inkbox-queue.service.js';
export { inkboxJobId } from './queue/inkbox-job-id.js';
export type { InkboxJobData, InkboxFailedJob, InkboxQueueCounts } from './queue/inkbox-job.interface.js';

// observability: handlers as an 'inkbox' execution context, OpenTelemetry names, error hook, health
export {
  INKBOX_CONTEXT_TYPE,
  getInkboxContext,
  type InkboxContextType,
  type InkboxHandlerArguments,
} from './handlers/inkbox-execution-context.js';
export { OnInkboxHandlerError } from './telemetry/on-inkbox-handler-error.decorator.js';
export type { InkboxHandlerErrorInfo, InkboxHandlerErrorHook } from './telemetry/inkbox-handler-error.interface.js';
export {
  INKBOX_RECEIVE_SPAN,
  INKBOX_HANDLE_SPAN,
  INKBOX_ATTRIBUTES,
  INKBOX_METRICS,
} from './telemetry/inkbox-telemetry.constants.js';
export {
  injectInkboxTraceContext,
  runWithInkboxTraceContext,
  type InkboxTraceCarrier,
} from './telemetry/inkbox-trace-context.js';
export {
  InkboxTelemetry,
  type InkboxDeliveryOutcome,
  type InkboxHandlerOutcome,
} from './telemetry/inkbox-telemetry.service.js';
export {
  InkboxHealthIndicator,
  type InkboxHealthCheckOptions,
  type InkboxHealthResult,
  type InkboxQueueHealth,
  type InkboxQueueHealthProbe,
} from './telemetry/inkbox-health.indicator.js';
export { InkboxLogEntry, type InkboxLogFields } from './telemetry/inkbox-log-entry.js';
