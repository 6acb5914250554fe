import { Inject, Module, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { INKBOX_ADMIN_PROVIDERS } from './admin/index.js';
import { InkboxEventDispatcher } from './handlers/inkbox-event.dispatcher.js';
import { InkboxHandlerMetadataAccessor } from './handlers/inkbox-handler-metadata.accessor.js';
import { InkboxHandlerExplorer } from './handlers/inkbox-handler.explorer.js';
import { InkboxIncomingCallDispatcher } from './handlers/inkbox-incoming-call.dispatcher.js';
import { InkboxHandlerRunner } from './handlers/inkbox-handler.runner.js';
import { createInkboxIdempotencyStore } from './idempotency/create-idempotency-store.js';
import { INKBOX_IDEMPOTENCY_STORE, INKBOX_RESOLVED_OPTIONS } from './inkbox.constants.js';
import { INKBOX_MODULE_OPTIONS, InkboxConfigurableModule } from './inkbox.module-definition.js';
import { resolveInkboxOptions } from './options/inkbox-options.js';
import type { InkboxIdempotencyStore } from './idempotency/inkbox-idempotency-store.interface.js';
import { InkboxRawBodyCapture } from './receiver/inkbox-raw-body.capture.js';
import { InkboxEventInterceptor } from './receiver/inkbox-event.interceptor.js';
import { InkboxSignatureGuard } from './receiver/inkbox-signature.guard.js';
import { InkboxHealthIndicator } from './telemetry/inkbox-health.indicator.js';
import { InkboxTelemetry } from './telemetry/inkbox-telemetry.service.js';
import { InkboxJobProcessor } from './queue/inkbox-job.processor.js';
import { InkboxQueueHost } from './queue/inkbox-queue.host.js';
import { InkboxQueueProducer } from './queue/inkbox-queue.producer.js';
import { InkboxQueueService } from './queue/inkbox-queue.service.js';

/**
 * Receives Inkbox webhooks: captures the raw body of the webhook route, verifies signatures,
 * validates events and routes them to `@OnInkboxEvent` handlers.
 *
 * @example
 * \@Module({ imports: [InkboxModule.forRoot({ signingKey: process.env.INKBOX_SIGNING_KEY! })] })
 * export class AppModule {}
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    { provide: INKBOX_RESOLVED_OPTIONS, useFactory: resolveInkboxOptions, inject: [INKBOX_MODULE_OPTIONS] },
    { provide: INKBOX_IDEMPOTENCY_STORE, useFactory: createInkboxIdempotencyStore, inject: [INKBOX_RESOLVED_OPTIONS] },
    InkboxRawBodyCapture,
    InkboxSignatureGuard,
    InkboxEventInterceptor,
    InkboxHandlerMetadataAccessor,
    InkboxHandlerExplorer,
    InkboxEventDispatcher,
    InkboxIncomingCallDispatcher,
    InkboxTelemetry,
    InkboxHandlerRunner,
    InkboxHealthIndicator,
    // queue mode (after the dispatcher: the worker starts once handlers and the bridge are ready)
    InkboxJobProcessor,
    InkboxQueueHost,
    InkboxQueueProducer,
    InkboxQueueService,
    ...INKBOX_ADMIN_PROVIDERS,
  ],
  exports: [
    INKBOX_RESOLVED_OPTIONS,
    InkboxSignatureGuard,
    InkboxEventInterceptor,
    InkboxEventDispatcher,
    InkboxTelemetry,
    InkboxHandlerRunner,
    InkboxHealthIndicator,
    InkboxQueueService,
    ...INKBOX_ADMIN_PROVIDERS,
  ],
})
export class InkboxModule extends InkboxConfigurableModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(INKBOX_IDEMPOTENCY_STORE) private readonly store?: InkboxIdempotencyStore | null) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store?.close?.();
  }
}
