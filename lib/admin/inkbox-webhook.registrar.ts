import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import type { Subscription } from 'rxjs';
import { INKBOX_RESOLVED_OPTIONS, INKBOX_ROUTE } from '../inkbox.constants.js';
import type {
  ResolvedInkboxOptions,
  ResolvedInkboxRegisterWebhooks,
} from '../options/inkbox-module-options.interface.js';
import type { InkboxRoute } from '../receiver/inkbox-route.interface.js';
import type {
  InkboxSetWebhookUrlResult,
  InkboxWebhookOwner,
  InkboxWebhookOwnerKind,
  InkboxWebhookRegistration,
} from './admin.types.js';
import { InkboxAdminService } from './inkbox-admin.service.js';
import { channelOf } from './inkbox-webhook-channels.js';
import { buildInkboxWebhookUrl, displayUrl } from './inkbox-webhook-url.js';

/** One owner to register, in the order the registrar handles them. */
interface OwnerTask {
  kind: InkboxWebhookOwnerKind;
  owner: string;
}

/** Path of the incoming-call route when the route description does not name one (the module's default). */
const FALLBACK_INCOMING_CALL_PATH = 'inkbox/incoming-call';

/** The route description, which also names the incoming-call route's path when the module has one. */
type InkboxRoutes = InkboxRoute & { readonly incomingCallPath?: string };

const OWNER_FORMS: Record<InkboxWebhookOwnerKind, (key: string) => InkboxWebhookOwner> = {
  mailbox: (mailbox) => ({ mailbox }),
  phoneNumber: (phoneNumber) => ({ phoneNumber }),
  agentIdentity: (agentHandle) => ({ agentHandle }),
};

/**
 * Carries out the `registerWebhooks` option: once the app is listening (not before: Inkbox may deliver
 * at once), points each listed mailbox, phone number and agent identity at this app's webhook URL with
 * `setWebhookUrl`, then each `incomingCalls` number at its incoming-call URL with
 * `setIncomingCallWebhookUrl`. A URL is the public URL + the app's global prefix + the URI version, if any
 * + the route's path. Failures are logged and never stop the app; signing keys are never logged.
 */
@Injectable()
export class InkboxWebhookRegistrar implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(InkboxWebhookRegistrar.name);
  private readonly register: ResolvedInkboxRegisterWebhooks | undefined;
  private listening?: Subscription;
  private settle!: (registrations: InkboxWebhookRegistration[]) => void;
  private readonly registrations = new Promise<InkboxWebhookRegistration[]>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    @Inject(INKBOX_RESOLVED_OPTIONS) options: ResolvedInkboxOptions,
    @Inject(INKBOX_ROUTE) private readonly route: InkboxRoutes,
    private readonly admin: InkboxAdminService,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
    @Optional() private readonly appConfig?: ApplicationConfig,
  ) {
    this.register = options.registerWebhooks;
  }

  /** Waits for the app to listen (nothing to do without `registerWebhooks`). */
  onModuleInit(): void {
    const { register } = this;
    if (!register || ownerTasks(register).length + register.incomingCalls.length === 0) {
      this.settle([]);
      return;
    }
    if (this.adapterHost?.listening) {
      void this.registerAll(register);
      return;
    }
    const listen$ = (this.adapterHost as { listen$?: HttpAdapterHost['listen$'] } | undefined)?.listen$;
    if (!listen$) {
      this.logger.warn(
        'registerWebhooks needs @nestjs/core 11.1.4 or later (to know when the app is listening); call InkboxAdminService.setWebhookUrl after app.listen() instead.',
      );
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
   * Resolves once every entry of `registerWebhooks` was handled (after `app.listen()`), with one entry per
   * owner and per incoming-call number, in the order mailboxes, phone numbers, agent handles, incoming
   * calls. A successful owner entry's `result.signingKey` holds a signing key minted by the registration,
   * the one place it is available: it is never logged. Resolves to `[]` without `registerWebhooks`.
   */
  whenRegistered(): Promise<InkboxWebhookRegistration[]> {
    return this.registrations;
  }

  private async registerAll(register: ResolvedInkboxRegisterWebhooks): Promise<void> {
    const outcomes: InkboxWebhookRegistration[] = [];
    const webhookUrl = this.urlFor(register.publicUrl, this.route);
    for (const task of ownerTasks(register)) {
      outcomes.push(
        typeof webhookUrl === 'string'
          ? await this.registerOwner(task, webhookUrl, register.eventTypes)
          : { ...task, url: '', ok: false, error: webhookUrl },
      );
    }
    const incomingRoute: InkboxRoute = {
      path: this.route.incomingCallPath ?? FALLBACK_INCOMING_CALL_PATH,
      version: this.route.version,
    };
    const incomingUrl = this.urlFor(register.publicUrl, incomingRoute);
    for (const owner of register.incomingCalls) {
      outcomes.push(
        typeof incomingUrl === 'string'
          ? await this.registerIncomingCall(owner, incomingUrl)
          : { kind: 'incomingCall', owner, url: '', ok: false, error: incomingUrl },
      );
    }
    this.settle(outcomes);
  }

  private async registerOwner(
    task: OwnerTask,
    url: string,
    eventTypes: readonly string[] | undefined,
  ): Promise<InkboxWebhookRegistration> {
    try {
      const owned = eventTypes?.filter((type) => channelOf(type)?.owner === task.kind);
      const result = await this.admin.setWebhookUrl(OWNER_FORMS[task.kind](task.owner), url, { eventTypes: owned });
      this.reportSuccess(task.owner, url, result);
      return { ...task, url, ok: true, result };
    } catch (error) {
      return this.failure(task, url, error, 'the webhooks');
    }
  }

  private async registerIncomingCall(owner: string, url: string): Promise<InkboxWebhookRegistration> {
    try {
      const result = await this.admin.setIncomingCallWebhookUrl(owner, url);
      this.logger.log(`Inkbox asks ${displayUrl(url)} about incoming calls on ${owner} (${result.action}).`);
      return { kind: 'incomingCall', owner, url, ok: true, result };
    } catch (error) {
      return this.failure({ kind: 'incomingCall', owner }, url, error, 'the incoming calls');
    }
  }

  private failure(
    task: OwnerTask | { kind: 'incomingCall'; owner: string },
    url: string,
    error: unknown,
    what: string,
  ): InkboxWebhookRegistration {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.logger.error(`Could not send ${what} of ${task.owner} to ${displayUrl(url)}: ${failure.message}`);
    return { ...task, url, ok: false, error: failure };
  }

  private reportSuccess(owner: string, url: string, result: InkboxSetWebhookUrlResult): void {
    const how = result.subscription
      ? `${result.subscriptions.map((s) => s.id).join(', ')} ${result.action}`
      : 'mailbox webhook_url set';
    this.logger.log(`Inkbox sends the events of ${owner} to ${displayUrl(url)} (subscription ${how}).`);
    if (result.signingKey) {
      this.logger.warn(
        `Subscribing ${owner} minted a new webhook signing key for its agent identity. It is shown only once and is not logged: ` +
          'read it from InkboxWebhookRegistrar.whenRegistered() (result.signingKey) and store it as the signingKey option, ' +
          'or call InkboxAdminService.rotateSigningKey(agentHandle) to get a new one. Deliveries signed with it fail verification until then.',
      );
    }
    if (result.signingKeyMayBeLost) {
      this.logger.warn(
        `The answer to creating a subscription of ${owner} was lost; if that create minted a signing key, it was not received. ` +
          'Check InkboxAdminService.getSigningKeyStatus(agentHandle) and rotate the key if this app does not have it.',
      );
    }
  }

  /** The public URL of `route`, or the error saying why it cannot be derived (logged once). */
  private urlFor(publicUrl: string, route: InkboxRoute): string | Error {
    const prefixOptions = this.appConfig?.getGlobalPrefixOptions?.();
    try {
      return buildInkboxWebhookUrl({
        publicUrl,
        globalPrefix: this.appConfig?.getGlobalPrefix() ?? '',
        globalPrefixExclude: prefixOptions?.exclude,
        versioning: this.appConfig?.getVersioning?.(),
        route,
      });
    } catch (error) {
      this.logger.error(`registerWebhooks: ${(error as Error).message}`);
      return error as Error;
    }
  }
}

function ownerTasks(register: ResolvedInkboxRegisterWebhooks): OwnerTask[] {
  return [
    ...register.mailboxes.map((owner) => ({ kind: 'mailbox' as const, owner })),
    ...register.phoneNumbers.map((owner) => ({ kind: 'phoneNumber' as const, owner })),
    ...register.agentHandles.map((owner) => ({ kind: 'agentIdentity' as const, owner })),
  ];
}
