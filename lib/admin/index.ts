import { InkboxAdminService } from './inkbox-admin.service.js';
import { InkboxWebhookRegistrar } from './inkbox-webhook.registrar.js';

export { INKBOX_ADMIN_CLIENT_OPTIONS } from './admin.constants.js';
export type * from './admin.types.js';
export * from './inkbox-admin.service.js';
export * from './inkbox-api.error.js';
export * from './inkbox-connection.error.js';
export { buildInkboxWebhookUrl, type InkboxWebhookUrlParts } from './inkbox-webhook-url.js';
export * from './inkbox-webhook.registrar.js';
export { NESTJS_INKBOX_VERSION } from './version.js';

/** Providers the module registers (and exports) for the admin client and `registerWebhooks`. */
export const INKBOX_ADMIN_PROVIDERS = [InkboxAdminService, InkboxWebhookRegistrar];
