import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ModuleRef } from '@nestjs/core';
import { InkboxConfigurationError } from '../errors.js';
import { INKBOX_MESSAGES } from '../messages.js';

/** The part of `EventEmitter2` the bridge uses. */
export interface InkboxEmitterLike {
  emitAsync(event: string, ...values: unknown[]): Promise<unknown[]>;
  listenerCount?(event: string): number;
  listeners?(event: string): unknown[];
}

/**
 * Loads `@nestjs/event-emitter` (an optional peer, never imported statically) from the places an
 * app keeps it: beside this library, beside the app's entry script, then the working directory.
 */
function loadEventEmitterToken(): unknown {
  const bases: string[] = [];
  if (typeof __filename === 'string') bases.push(__filename);
  if (typeof process.argv[1] === 'string' && process.argv[1] !== '') bases.push(process.argv[1]);
  bases.push(join(process.cwd(), 'noop.js'));
  for (const base of bases) {
    try {
      const mod = createRequire(base)('@nestjs/event-emitter') as { EventEmitter2?: unknown };
      if (typeof mod.EventEmitter2 === 'function') return mod.EventEmitter2;
    } catch (error) {
      if ((error as { code?: string } | null)?.code !== 'MODULE_NOT_FOUND') throw error;
    }
  }
  return undefined;
}

/**
 * The app's `EventEmitter2`, found by its injection token (the class `@nestjs/event-emitter`
 * exports) anywhere in the app. Throws a configuration error naming the fix when there is none.
 */
export function findInkboxEventEmitter(moduleRef: ModuleRef): InkboxEmitterLike {
  const token = loadEventEmitterToken();
  let emitter: unknown;
  if (token !== undefined) {
    try {
      emitter = moduleRef.get(token as new () => unknown, { strict: false });
    } catch {
      emitter = undefined;
    }
  }
  if (typeof (emitter as InkboxEmitterLike | undefined)?.emitAsync !== 'function') {
    throw new InkboxConfigurationError(INKBOX_MESSAGES.noEventEmitter);
  }
  return emitter as InkboxEmitterLike;
}
