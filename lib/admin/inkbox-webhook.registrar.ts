import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { INKBOX_RESOLVED_OPTIONS, INKBOX_ROUTE } from '../inkbox.constants.js';
import type { InkboxRegisterWebhooksOptions, ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import type { InkboxRoute } from '../receiver/inkbox-route.interface.js';
import type { InkboxSetWebhookUrlResult, InkboxWebhookRegistration } from './admin.types.js';
import { InkboxAdminService } from './inkbox-admin.service.js';
import { buildInkboxWebhookUrl, displayUrl } from './inkbox-webhook-url.js';

/**
 * Carries out the `registerWebhooks` option: once the app is listening (not before: Inkbox may deliver
 * at once), points each listed mailbox at this app's webhook URL with `setWebhookUrl`. The URL is the
 * public URL + the app's global prefix + the URI version, if any + the module's webhook path. Failures are
 * logged and never stop the app; signing keys are never logged.
 */
@Injectable()
export class InkboxWebhookRegistrar implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InkboxWebhookRegistrar.name);
  private readonly register: InkboxRegisterWebhooksOptions | undefined;
  private listening?: Subscription;
  private settle!: (registrations: InkboxWebhookRegistration[]) => void;
  private readonly registrations = new Promise<InkboxWebhookRegistration[]>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    @Inject(INKBOX_RESOLVED_OPTIONS) options: ResolvedInkboxOptions,
    @Inject(INKBOX_ROUTE) private readonly route: InkboxRoute,
    private readonly admin: InkboxAdminService,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
    @Optional() private readonly appConfig?: ApplicationConfig,
  ) {
    this.register = options.registerWebhooks;
  }

  /** Waits for the app to listen (nothing to do without `registerWebhooks`). */
  onModuleInit(): void {
    const { register } = this;
    if (!register || register.mailboxes.length === 0) {
      this.settle([]);
      return;
    }
    if (this.adapterHost?.listening) {
      void this.registerAll(register);
      return;
    }
    const listen$ = (this.adapterHost as { listen$?: HttpAdapterHost['listen$'] } | undefined)?.listen$;
    if (!listen$) {
      this.logger.warn('registerWebhooks needs @nestjs/core 11.1.4 or later (to know when the app is listening); call InkboxAdminService.setWebhookUrl after app.listen() instead.');
      this.settle([]);
      return;
    }
    this.listening = listen$.subscribe(() => void this.registerAll(register));
  }

  /** Stops waiting for `listen` when the app closes first. */
  onApplicationShutdown(): void {
    this.listening?.unsubscribe();
  }

  /**
   * Resolves once every mailbox of `registerWebhooks` was handled (after `app.listen()`), with one entry
   * per mailbox. A successful entry's `result.signingKey` holds a signing key minted by the registration,
   * the one place it is available: it is never logged. Resolves to `[]` without `registerWebhooks`.
   */
  whenRegistered(): Promise<InkboxWebhookRegistration[]> {
    return this.registrations;
  }

  private async registerAll(register: InkboxRegisterWebhooksOptions): Promise<void> {
    let url: string;
    try {
      url = this.webhookUrl(register.publicUrl);
    } catch (error) {
      this.logger.error(`registerWebhooks: ${(error as Error).message}`);
      this.settle(register.mailboxes.map((emailAddress) => ({ emailAddress, url: '', ok: false, error: error as Error })));
      return;
    }
    const outcomes: InkboxWebhookRegistration[] = [];
    for (const emailAddress of register.mailboxes) {
      outcomes.push(await this.registerOne(emailAddress, url, register.eventTypes));
    }
    this.settle(outcomes);
  }

  private async registerOne(emailAddress: string, url: string, eventTypes: readonly string[] | undefined): Promise<InkboxWebhookRegistration> {
    try {
      const result = await this.admin.setWebhookUrl(emailAddress, url, { eventTypes });
      this.reportSuccess(emailAddress, url, result);
      return { emailAddress, url, ok: true, result };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.logger.error(`Could not send the webhooks of ${emailAddress} to ${displayUrl(url)}: ${failure.message}`);
      return { emailAddress, url, ok: false, error: failure };
    }
  }

  private reportSuccess(emailAddress: string, url: string, result: InkboxSetWebhookUrlResult): void {
    const how = result.subscription ? `subscription ${result.subscription.id} ${result.action}` : 'mailbox webhook_url set';
    this.logger.log(`Inkbox sends the mail events of ${emailAddress} to ${displayUrl(url)} (${how}).`);
    if (result.signingKey) {
      this.logger.warn(
        `Subscribing ${emailAddress} minted a new webhook signing key for its agent identity. It is shown only once and is not logged: ` +
          'read it from InkboxWebhookRegistrar.whenRegistered() (result.signingKey) and store it as the signingKey option, ' +
          'or call InkboxAdminService.rotateSigningKey(agentHandle) to get a new one. Deliveries signed with it fail verification until then.',
      );
    }
    if (result.signingKeyMayBeLost) {
      this.logger.warn(
        `The answer to creating the subscription of ${emailAddress} was lost; if that create minted a signing key, it was not received. ` +
          'Check InkboxAdminService.getSigningKeyStatus(agentHandle) and rotate the key if this app does not have it.',
      );
    }
  }

  private webhookUrl(publicUrl: string): string {
    const prefixOptions = this.appConfig?.getGlobalPrefixOptions?.();
    return buildInkboxWebhookUrl({
      publicUrl,
      globalPrefix: this.appConfig?.getGlobalPrefix() ?? '',
      globalPrefixExclude: prefixOptions?.exclude,
      versioning: this.appConfig?.getVersioning?.(),
      route: this.route,
    });
  }
}
