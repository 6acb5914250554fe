import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_INCOMING_CALL_PATH, DEFAULT_WEBHOOK_PATH, INKBOX_ROLE, INKBOX_ROUTE } from './inkbox.constants.js';
import { normalizeInkboxRole, normalizeWebhookPath } from './options/inkbox-options.js';
import type { InkboxModuleExtras, InkboxModuleOptions } from './options/inkbox-module-options.interface.js';
import type { InkboxRoute } from './receiver/inkbox-route.interface.js';
import { createInkboxIncomingCallController } from './receiver/inkbox-incoming-call.controller.js';
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
    {
      isGlobal: false,
      webhookPath: DEFAULT_WEBHOOK_PATH,
      incomingCallPath: DEFAULT_INCOMING_CALL_PATH,
      version: undefined,
      role: 'all',
    },
    (definition, extras) => {
      const paths = {
        path: normalizeWebhookPath(extras.webhookPath),
        incomingCallPath: normalizeWebhookPath(extras.incomingCallPath, 'incomingCallPath'),
      };
      const route: InkboxRoute = extras.version === undefined ? paths : { ...paths, version: extras.version };
      const role = normalizeInkboxRole(extras.role);
      // a worker declares no route
      const controllers =
        role === 'worker' ? [] : [createInkboxWebhookController(route), createInkboxIncomingCallController(route)];
      return {
        ...definition,
        global: extras.isGlobal,
        controllers: [...(definition.controllers ?? []), ...controllers],
        providers: [
          ...(definition.providers ?? []),
          { provide: INKBOX_ROUTE, useValue: route },
          { provide: INKBOX_ROLE, useValue: role },
        ],
        exports: [...(definition.exports ?? []), INKBOX_ROUTE],
      };
    },
  )
  .build();
