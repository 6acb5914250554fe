export { signInkboxWebhook, type SignInkboxWebhookOptions, type SignedInkboxWebhook } from './sign-inkbox-webhook.js';
export { createInkboxEvent, type InkboxEventPayload, type DeepPartial } from './create-inkbox-event.js';
export {
  sendInkboxWebhook,
  type SendInkboxWebhookOptions,
  type InkboxDeliveryTarget,
  type InkboxHttpServerHost,
  type InkboxDeliveryResponse,
  type InkboxDeliveryResponseBody,
  type InkboxSentRequest,
} from './send-inkbox-webhook.js';
export { deliverInkboxEvent, type InkboxEventDelivery } from './deliver-inkbox-event.js';
