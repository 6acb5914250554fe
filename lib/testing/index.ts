export { signInkboxWebhook, type SignInkboxWebhookOptions, type SignedInkboxWebhook } from './sign-inkbox-webhook.js';
export { createInkboxEvent, type InkboxEventPayload, type DeepPartial } from './create-inkbox-event.js';
