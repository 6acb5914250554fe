import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { INKBOX_EVENT_HANDLER_METADATA } from '../inkbox.constants.js';

/** Reads what `@OnInkboxEvent` recorded on a method, through Nest's `Reflector`. */
@Injectable()
export class InkboxHandlerMetadataAccessor {
  constructor(private readonly reflector: Reflector) {}

  /** The event types (or `'*'`) a method handles; `undefined` when it is not a handler. */
  getEventTypes(method: unknown): readonly string[] | undefined {
    if (typeof method !== 'function') return undefined;
    return this.reflector.get<string[] | undefined>(INKBOX_EVENT_HANDLER_METADATA, method as () => unknown);
  }
}
