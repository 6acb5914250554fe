import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_WEBHOOK_PATH, INKBOX_ROLE, INKBOX_ROUTE } from './inkbox.constants.js';
import { normalizeInkboxRole, normalizeWebhookPath } from './options/inkbox-options.js';
import type { InkboxModuleExtras, InkboxModuleOptions } from './options/inkbox-module-options.interface.js';
import type { InkboxRoute } from './receiver/inkbox-route.interface.js';
import { createInkboxWebhookController } from './receiver/inkbox-webhook.controller.js';

export const {
  ConfigurableModuleClass: InkboxConfigurableModule,
  MODULE_OPTIONS_TOKEN: INKBOX_MODULE_OPTIONS,
  OPTIONS_TYPE: INKBOX_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: INKBOX_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<InkboxModuleOptions>({ moduleName: 'Inkbox' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createInkboxOptions')
  .setExtras<InkboxModuleExtras>(
    { isGlobal: false, webhookPath: DEFAULT_WEBHOOK_PATH, version: undefined, role: 'all' },
    (definition, extras) => {
      const route: InkboxRoute =
        extras.version === undefined
          ? { path: normalizeWebhookPath(extras.webhookPath) }
          : { path: normalizeWebhookPath(extras.webhookPath), version: extras.version };
      const role = normalizeInkboxRole(extras.role);
      return {
        ...definition,
        global: extras.isGlobal,
        // a worker declares no webhook route
        controllers: [...(definition.controllers ?? []), ...(role === 'worker' ? [] : [createInkboxWebhookController(route)])],
        providers: [...(definition.providers ?? []), { provide: INKBOX_ROUTE, useValue: route }, { provide: INKBOX_ROLE, useValue: role }],
        exports: [...(definition.exports ?? []), INKBOX_ROUTE],
      };
    },
  )
  .build();
