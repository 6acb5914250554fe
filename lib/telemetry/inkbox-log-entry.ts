import { inspect } from 'node:util';
import { ConsoleLogger, type Logger } from '@nestjs/common';

/** Structured fields of the module's delivery and handler log lines. */
export interface InkboxLogFields {
  eventId?: string;
  eventType?: string;
  requestId?: string;
  handler?: string;
  outcome?: string;
  durationMs?: number;
  /** The error of a failed handler (JSON loggers such as pino serialise `err`). */
  err?: Error;
}

const SHOWN: ReadonlyArray<keyof InkboxLogFields> = [
  'eventType',
  'eventId',
  'requestId',
  'handler',
  'outcome',
  'durationMs',
];

/**
 * A log message with fields. JSON loggers (nestjs-pino, Nest's `json: true` console logger) that
 * receive an object get `msg` and every field as properties; Nest's default console logger prints
 * one readable line (`msg` followed by `key=value` pairs) through `toString()` / `util.inspect`.
 */
export class InkboxLogEntry implements InkboxLogFields {
  readonly msg: string;
  eventId?: string;
  eventType?: string;
  requestId?: string;
  handler?: string;
  outcome?: string;
  durationMs?: number;
  err?: Error;

  constructor(message: string, fields: InkboxLogFields = {}) {
    this.msg = message;
    for (const key of [...SHOWN, 'err'] as const) {
      const value = fields[key];
      if (value !== undefined) (this as Record<string, unknown>)[key] = value;
    }
  }

  /** The one-line form: the message, then the fields as `key=value`. */
  toString(): string {
    const pairs = SHOWN.filter((key) => this[key] !== undefined).map((key) => `${key}=${String(this[key])}`);
    return pairs.length > 0 ? `${this.msg} [${pairs.join(' ')}]` : this.msg;
  }

  /** Lets `util.inspect` (used by Nest's console logger for objects) print the one-line form. */
  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * Whether a debug line given to `logger` could be printed, so that a delivery's debug entries are
 * only built when they are: false when Nest's console logger has debug off or logging is disabled;
 * true for any other logger (it decides for itself).
 */
export function isInkboxDebugLogged(logger: Logger): boolean {
  const target = (logger as unknown as { localInstance?: unknown }).localInstance;
  if (target === undefined || target === null) return false;
  return !(target instanceof ConsoleLogger) || target.isLevelEnabled('debug');
}
