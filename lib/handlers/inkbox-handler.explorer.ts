import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { InkboxConfigurationError } from '../errors.js';
import { InkboxHandlerMetadataAccessor } from './inkbox-handler-metadata.accessor.js';
import type { InkboxHandler } from './inkbox-handler.interface.js';
import { INKBOX_MESSAGES } from '../messages.js';

/**
 * Finds every `@OnInkboxEvent` method of the app's providers and controllers at startup, once per
 * instance (alias providers are skipped, so no handler fires twice), and indexes them by type.
 */
@Injectable()
export class InkboxHandlerExplorer implements OnModuleInit {
  private readonly logger = new Logger('InkboxModule');
  private readonly byType = new Map<string, InkboxHandler[]>();
  private wildcard: InkboxHandler[] = [];
  private readonly merged = new Map<string, readonly InkboxHandler[]>();
  private explored = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly metadata: InkboxHandlerMetadataAccessor,
  ) {}

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

  private explore(): void {
    if (this.explored) return;
    this.explored = true;
    const seen = new Map<object, Set<string>>();
    const ids = new Map<string, number>();
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    for (const wrapper of wrappers) {
      if (wrapper.isAlias || !wrapper.metatype) continue;
      const prototype = (wrapper.metatype as { prototype?: object }).prototype;
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName];
        const types = this.metadata.getEventTypes(method);
        if (!types) continue;
        const className = (wrapper.metatype as { name?: string }).name || String(wrapper.name);
        if (!wrapper.isDependencyTreeStatic()) {
          throw new InkboxConfigurationError(INKBOX_MESSAGES.requestScopedHandler(`${className}.${methodName}`, className));
        }
        const instance = wrapper.instance as Record<string, (...args: unknown[]) => unknown> | undefined;
        if (!instance) continue;
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
          invoke: (event, delivery) => instance[methodName]!(event, delivery),
        };
        for (const type of types) {
          if (type === '*') this.wildcard.push(handler);
          else this.byType.set(type, [...(this.byType.get(type) ?? []), handler]);
        }
      }
    }
    this.logger.log(`Inkbox handlers: ${this.handlers.map((h) => `${h.id} (${h.types.join(', ')})`).join('; ') || 'none'}`);
  }
}
