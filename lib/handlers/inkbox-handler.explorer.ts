import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner } from '@nestjs/core';
import { expandInkboxEventPattern } from '../events/inkbox-event-types.js';
import { INKBOX_HANDLER_ERROR_METADATA } from '../inkbox.constants.js';
import type { InkboxHandlerErrorHook } from '../telemetry/inkbox-handler-error.interface.js';
import { createInkboxHandlerPipeline } from './inkbox-handler.pipeline.js';
import { InkboxConfigurationError } from '../errors.js';
import { InkboxHandlerMetadataAccessor } from './inkbox-handler-metadata.accessor.js';
import type { InkboxHandler } from './inkbox-handler.interface.js';
import { INKBOX_MESSAGES } from '../messages.js';

/**
 * Finds every `@OnInkboxEvent` method of the app's providers and controllers at startup, once per
 * instance (alias providers are skipped, so no handler fires twice), and indexes them by type.
 * Each handler is wrapped once in Nest's guards and interceptors (context type `'inkbox'`).
 * Also collects the `@OnInkboxHandlerError` methods.
 */
@Injectable()
export class InkboxHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger('InkboxModule');
  private readonly byType = new Map<string, InkboxHandler[]>();
  private wildcard: InkboxHandler[] = [];
  private readonly merged = new Map<string, readonly InkboxHandler[]>();
  private explored = false;
  private readonly hooks: InkboxHandlerErrorHook[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly contextCreator: ExternalContextCreator,
    private readonly metadata: InkboxHandlerMetadataAccessor,
  ) {}

  /** The `@OnInkboxHandlerError` methods found, bound to their instances. */
  get errorHooks(): readonly InkboxHandlerErrorHook[] {
    return this.hooks;
  }

  onModuleInit(): void {
    this.explore();
  }

  /** Handlers for an event type: the typed ones, then the `'*'` ones, each once (merged once per type). */
  handlersFor(type: string): readonly InkboxHandler[] {
    const typed = this.byType.get(type);
    if (!typed) return this.wildcard;
    if (this.wildcard.length === 0) return typed;
    let merged = this.merged.get(type);
    if (!merged) {
      merged = [...typed, ...this.wildcard.filter((h) => !typed.includes(h))];
      this.merged.set(type, merged);
    }
    return merged;
  }

  /** Every handler found, for diagnostics. */
  get handlers(): readonly InkboxHandler[] {
    const all = new Set<InkboxHandler>(this.wildcard);
    for (const list of this.byType.values()) list.forEach((h) => all.add(h));
    return [...all];
  }

  private typesOf(method: unknown): readonly string[] | undefined {
    return this.metadata.getEventTypes(method);
  }

  /** Handlers must be singletons: a request-scoped class with one fails startup, saying what to do. */
  private refuseRequestScoped(metatype: { prototype?: object; name?: string } | null, fallbackName: string): void {
    const prototype = metatype?.prototype;
    if (!prototype) return;
    for (const methodName of this.scanner.getAllMethodNames(prototype)) {
      if (!this.typesOf((prototype as Record<string, unknown>)[methodName])) continue;
      const className = metatype.name || fallbackName;
      throw new InkboxConfigurationError(INKBOX_MESSAGES.requestScopedHandler(`${className}.${methodName}`, className));
    }
  }

  private explore(): void {
    if (this.explored) return;
    this.explored = true;
    const seen = new Map<object, Set<string>>();
    const ids = new Map<string, number>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      if (wrapper.isAlias) continue;
      if (!wrapper.isDependencyTreeStatic()) {
        this.refuseRequestScoped(
          wrapper.metatype as { prototype?: object; name?: string } | null,
          String(wrapper.name),
        );
        continue;
      }
      // the instance's own prototype, as @nestjs/event-emitter reads it: right for classes and for
      // providers made by useFactory (sync or async) or given by useValue, whose metatype is no class
      const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown> | null | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object | null;
      if (!prototype) continue;
      const className = (instance.constructor as { name?: string } | undefined)?.name || String(wrapper.name);
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        if (typeof method === 'function' && Reflect.getMetadata(INKBOX_HANDLER_ERROR_METADATA, method) === true)
          this.addErrorHook(wrapper, methodName, seen);
        const types = this.typesOf(method);
        if (!types) continue;
        const methods = seen.get(instance) ?? new Set<string>();
        if (methods.has(methodName)) continue;
        methods.add(methodName);
        seen.set(instance, methods);
        const base = `${className}.${methodName}`;
        const count = (ids.get(base) ?? 0) + 1;
        ids.set(base, count);
        const handler: InkboxHandler = {
          id: count === 1 ? base : `${base}#${count}`,
          types,
          invoke: createInkboxHandlerPipeline(this.contextCreator, instance, methodName),
        };
        // a family pattern ('text.*') stands for each of its event types; a handler is listed once per type
        for (const type of new Set(types.flatMap(expandInkboxEventPattern))) {
          if (type === '*') this.wildcard.push(handler);
          else this.byType.set(type, [...(this.byType.get(type) ?? []), handler]);
        }
      }
    }
    this.logger.log(
      `Inkbox handlers: ${this.handlers.map((h) => `${h.id} (${h.types.join(', ')})`).join('; ') || 'none'}`,
    );
  }

  private addErrorHook(
    wrapper: { instance: unknown; isDependencyTreeStatic(): boolean; name: unknown },
    methodName: string,
    seen: Map<object, Set<string>>,
  ): void {
    const instance = wrapper.instance as Record<string, (info: unknown) => unknown> | undefined;
    if (!wrapper.isDependencyTreeStatic()) {
      this.logger.warn(
        `@OnInkboxHandlerError on ${String(wrapper.name)}.${methodName} is ignored: the provider must be a singleton.`,
      );
      return;
    }
    if (!instance) return;
    const key = `hook:${methodName}`;
    const methods = seen.get(instance) ?? new Set<string>();
    if (methods.has(key)) return;
    methods.add(key);
    seen.set(instance, methods);
    this.hooks.push((info) => instance[methodName]!(info));
  }
}
