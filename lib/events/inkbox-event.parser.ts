import { isUtf8 } from 'node:buffer';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { InkboxEvent } from './dto/inkbox-event.dto.js';
import { INKBOX_EVENT_CLASSES, isKnownInkboxEventType } from './inkbox-event-types.js';
import { buildInstance, type InstanceBuilderLimits } from './inkbox-event.transformer.js';
import { passesDecorators } from './inkbox-event.validator.js';

import { InkboxPayloadError } from '../errors.js';

export { InkboxPayloadError };

const MAX_DEPTH = 64;
/** Longest array accepted on the error path (Inkbox resolves at most 50 contacts per event). */
const MAX_ARRAY_ITEMS = 10_000;
/** Most problems listed in one answer; the rest are counted. */
const MAX_PROBLEMS = 20;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The text of UTF-8 bytes as a fatal `TextDecoder('utf-8')` gives it (a leading byte order mark
 * dropped), or undefined when they are not valid UTF-8. Node's decoder puts U+FFFD in place of
 * every ill-formed sequence, so bytes whose text has no U+FFFD are valid UTF-8 (the search is
 * instant on text that fits in Latin-1); only text that has one is checked with `isUtf8`.
 */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // without arguments toString takes Node's direct UTF-8 path
  const text = start === 0 ? buffer.toString() : buffer.toString('utf8', start);
  return text.includes('\uFFFD') && !isUtf8(bytes) ? undefined : text;
}

/**
 * Rejects nesting deeper than {@link MAX_DEPTH}, arrays longer than {@link MAX_ARRAY_ITEMS} and keys
 * that would reach an object's prototype.
 */
function checkStructure(root: unknown): string | undefined {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) return `the JSON is nested more than ${MAX_DEPTH} levels deep`;
    if (Array.isArray(value)) {
      if (value.length > MAX_ARRAY_ITEMS)
        return `an array holds ${value.length} items, more than the ${MAX_ARRAY_ITEMS} allowed`;
      for (const item of value) if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed in an Inkbox event`;
      const item = (value as Record<string, unknown>)[key];
      if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
    }
  }
  return undefined;
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    if (error.constraints) {
      for (const message of Object.values(error.constraints)) {
        out.push(
          message.startsWith(error.property) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`,
        );
      }
    }
    if (error.children?.length) out.push(...flatten(error.children, path));
  }
  return out;
}

// the builder also declines every key in FORBIDDEN_KEYS (all are names it never builds)
const LIMITS: InstanceBuilderLimits = { maxDepth: MAX_DEPTH };

/** UTF-8 decode of the body: its text, or InkboxPayloadError. */
function readText(rawBody: Buffer | Uint8Array | string): string {
  if (typeof rawBody === 'string') return rawBody;
  let decoded: string | undefined;
  try {
    decoded = decodeUtf8(rawBody);
  } catch {
    decoded = undefined;
  }
  if (decoded === undefined) throw new InkboxPayloadError(['the body is not valid UTF-8']);
  return decoded;
}

/** `JSON.parse` of the text: a JSON object, or InkboxPayloadError. */
function parseObject(text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    if (text.trim() === '') throw new InkboxPayloadError(['the body is empty; an Inkbox event is a JSON object']);
    throw new InkboxPayloadError([`the body is not valid JSON (${(error as Error).message})`]);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InkboxPayloadError(['the body must be a JSON object with event_type, timestamp and data']);
  }
  return json as Record<string, unknown>;
}

/** The class for the payload's `event_type`; the envelope class for types without one. */
function eventClassOf(json: Record<string, unknown>): typeof InkboxEvent {
  const type = json.event_type;
  return typeof type === 'string' && isKnownInkboxEventType(type) ? INKBOX_EVENT_CLASSES[type] : InkboxEvent;
}

/** The structure checks, then class-transformer and class-validator: the reference, and the source of every error message. */
function validateWithClassValidator<T extends object>(cls: new () => T, json: Record<string, unknown>): T {
  const structural = checkStructure(json);
  if (structural) throw new InkboxPayloadError([structural]);
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- plainToInstance's overloads also return T[]
  const event = plainToInstance(cls, json) as T;
  const errors = validateSync(event, { forbidUnknownValues: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = flatten(errors);
    const shown =
      problems.length > MAX_PROBLEMS
        ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`]
        : problems;
    throw new InkboxPayloadError(shown);
  }
  return event;
}

/**
 * Builds the event from the exact bytes that were verified: UTF-8 decode, `JSON.parse`, then the
 * class for its `event_type` (the envelope class for types without one), validated with the
 * class-validator decorators. Throws {@link InkboxPayloadError} listing every problem.
 *
 * The decorators are the only description of the shapes. A valid payload takes a fast path
 * compiled from their metadata once per class (the same instances `plainToInstance` builds, the
 * same constraint functions `validateSync` calls, the structure limits checked on the way);
 * anything else goes through class-transformer and class-validator themselves, which decide and
 * word the errors.
 */
export function parseInkboxEvent(rawBody: Buffer | Uint8Array | string): InkboxEvent {
  const text = readText(rawBody);
  const json = parseObject(text);
  const cls = eventClassOf(json);
  return fastPath(cls, json) ?? validateWithClassValidator(cls, parseObject(text));
}

/** The compiled fast path on an object it may take over: the valid instance, or undefined. */
function fastPath<T extends object>(cls: new () => T, json: Record<string, unknown>): T | undefined {
  try {
    const value = buildInstance(cls, json, LIMITS);
    if (value !== undefined && passesDecorators(value)) return value;
  } catch {
    // a constraint or a constructor threw: the reference path meets the same input and decides
  }
  return undefined;
}

/**
 * The same as {@link parseInkboxEvent}, always through `plainToInstance` and `validateSync`
 * (no compiled fast path). Slower; kept to check and measure the fast path against.
 */
export function parseInkboxEventWithClassValidator(rawBody: Buffer | Uint8Array | string): InkboxEvent {
  const json = parseObject(readText(rawBody));
  return validateWithClassValidator(eventClassOf(json), json);
}

/**
 * Builds an instance of `cls` from verified bytes, as {@link parseInkboxEvent} does for events
 * (same fast path, same limits, same error messages), for payloads without the event envelope
 * such as the incoming-call webhook.
 */
export function parseInkboxPayloadAs<T extends object>(cls: new () => T, rawBody: Buffer | Uint8Array | string): T {
  const text = readText(rawBody);
  return fastPath(cls, parseObject(text)) ?? validateWithClassValidator(cls, parseObject(text));
}
