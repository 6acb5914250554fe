import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { INKBOX_INCOMING_CALL_HANDLER_METADATA, INKBOX_RESOLVED_OPTIONS } from '../inkbox.constants.js';
import { InkboxConfigurationError } from '../options/inkbox-options.js';
import type { PhoneIncomingCallEvent } from '../events/dto/phone-incoming-call-event.dto.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import type {
  InkboxIncomingCallContext,
  InkboxIncomingCallDecision,
} from './inkbox-incoming-call-decision.interface.js';

interface IncomingCallHandler {
  readonly id: string;
  readonly invoke: (call: PhoneIncomingCallEvent, context: InkboxIncomingCallContext) => unknown;
}

const REJECT: InkboxIncomingCallDecision = Object.freeze({ action: 'reject' });

/** Why a value is not a decision, or undefined when it is one. */
function decisionProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return `it returned ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}, not { action }`;
  const { action, client_websocket_url: url } = value as Record<string, unknown>;
  if (action !== 'answer' && action !== 'reject')
    return `its action is ${JSON.stringify(action) ?? 'undefined'}, not 'answer' or 'reject'`;
  if (url !== undefined && url !== null && (typeof url !== 'string' || url === ''))
    return 'its client_websocket_url is not a non-empty string';
  return undefined;
}

/**
 * Finds the one `@OnInkboxIncomingCall()` method at startup and asks it about each incoming call,
 * within `incomingCall.timeoutMs`. Never throws: every failure becomes `{ action: 'reject' }`, logged.
 * Incoming calls are not deduplicated (Inkbox does not retry them) and never reach `@OnInkboxEvent` handlers.
 */
@Injectable()
export class InkboxIncomingCallDispatcher implements OnModuleInit {
  private readonly logger = new Logger('InkboxIncomingCall');
  private handler: IncomingCallHandler | undefined;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options: ResolvedInkboxOptions,
  ) {}

  onModuleInit(): void {
    const found = this.explore();
    if (found.length > 1) {
      throw new InkboxConfigurationError(
        `@OnInkboxIncomingCall() is on ${found.map((h) => h.id).join(' and ')}: one method decides each call, so keep it on exactly one method.`,
      );
    }
    this.handler = found[0];
    if (!this.handler) {
      new Logger('InkboxModule').warn(
        'No @OnInkboxIncomingCall() method: every call posted to the incoming-call route is answered {"action":"reject"}.',
      );
    }
  }

  /** The id (`Class.method`) of the deciding method, if any. */
  get handlerId(): string | undefined {
    return this.handler?.id;
  }

  /** Asks the deciding method; resolves to its decision, or to a rejection (logged) when it cannot decide in time. */
  async decide(call: PhoneIncomingCallEvent, context: InkboxIncomingCallContext): Promise<InkboxIncomingCallDecision> {
    const handler = this.handler;
    // ids only: the caller's number stays out of the log
    const about = `call ${call.id} (request ${context.requestId})`;
    if (!handler) {
      this.logger.warn(`Rejected ${about}: no @OnInkboxIncomingCall() method.`);
      return REJECT;
    }
    const timeoutMs = this.options.incomingCall.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    let value: unknown;
    try {
      value = await Promise.race([Promise.resolve().then(() => handler.invoke(call, context)), timeout]);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      this.logger.error(`Rejected ${about}: ${handler.id} threw: ${err.message}`, err.stack);
      return REJECT;
    } finally {
      clearTimeout(timer);
    }
    if (value === 'timeout') {
      this.logger.error(
        `Rejected ${about}: ${handler.id} did not decide within incomingCall.timeoutMs (${timeoutMs} ms).`,
      );
      return REJECT;
    }
    const problem = decisionProblem(value);
    if (problem) {
      this.logger.error(`Rejected ${about}: ${handler.id} gave no valid decision (${problem}).`);
      return REJECT;
    }
    const { action, client_websocket_url: url } = value as InkboxIncomingCallDecision;
    return action === 'answer' && typeof url === 'string' ? { action, client_websocket_url: url } : { action };
  }

  private explore(): IncomingCallHandler[] {
    const found: IncomingCallHandler[] = [];
    const seen = new Map<object, Set<string>>();
    for (const wrapper of [...this.discovery.getProviders(), ...this.discovery.getControllers()]) {
      if (wrapper.isAlias || !wrapper.metatype) continue;
      const prototype = (wrapper.metatype as { prototype?: object }).prototype;
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        if (typeof method !== 'function' || Reflect.getMetadata(INKBOX_INCOMING_CALL_HANDLER_METADATA, method) !== true)
          continue;
        const id = `${(wrapper.metatype as { name?: string }).name || String(wrapper.name)}.${methodName}`;
        if (!wrapper.isDependencyTreeStatic()) {
          throw new InkboxConfigurationError(
            `${id} has @OnInkboxIncomingCall() but its class is request-scoped: put the method on a singleton provider.`,
          );
        }
        const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown> | undefined;
        if (!instance) continue;
        // the same instance under several tokens is one method
        const methods = seen.get(instance) ?? new Set<string>();
        if (methods.has(methodName)) continue;
        seen.set(instance, methods.add(methodName));
        found.push({ id, invoke: (call, context) => instance[methodName]!(call, context) });
      }
    }
    return found;
  }
}
