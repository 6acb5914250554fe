export {
  signInkboxWebhook,
  type SignInkboxWebhookOptions,
  type SignedInkboxWebhook,
} from '../delivery/sign-inkbox-webhook.js';
export {
  createInkboxEvent,
  CREATABLE_INKBOX_EVENT_TYPES,
  type InkboxEventPayload,
  type InkboxMailEventPayload,
  type InkboxIncomingCallPayload,
  type InkboxCreatableEventType,
  type DeepPartial,
} from '../delivery/create-inkbox-event.js';
export {
  sendInkboxWebhook,
  type SendInkboxWebhookOptions,
  type InkboxDeliveryTarget,
  type InkboxHttpServerHost,
  type InkboxDeliveryResponse,
  type InkboxDeliveryResponseBody,
  type InkboxSentRequest,
} from '../delivery/send-inkbox-webhook.js';
export { deliverInkboxEvent, type InkboxEventDelivery } from './deliver-inkbox-event.js';
