/* eslint-disable @typescript-eslint/no-unsafe-function-type -- class-transformer and class-validator type classes as Function */
import { plainToInstance } from 'class-transformer';

/**
 * What `plainToInstance` does with one key of one class, learnt from its own answers on probe
 * values (public behaviour only): `null` when it copies the value as it is; a class when it turns
 * an object (and each object of an array) into an instance of that class.
 */
type KeyPlan = null | { readonly type: new () => object };

/** What is known of a class: the own properties a new instance has, and each key probed so far. */
interface ClassPlan {
  readonly initial: readonly string[];
  readonly initialValues: readonly unknown[];
  readonly keys: Map<string, KeyPlan | false>;
}

/** Thrown inside the builder when a value needs what it does not reproduce; the caller then uses plainToInstance. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('use plainToInstance');
/** Keys probed per class at most; later unseen keys send the payload to `plainToInstance`. */
const MAX_PROBED_KEYS = 512;
const PROBE_STRING = '\u0000inkbox-probe\u0000';
const PROBE_NUMBER = 1234.5;
/** Types class-transformer converts to instead of building (a probe that lands on one is declined). */
const CONVERTED_TYPES: ReadonlySet<unknown> = new Set<unknown>([
  String,
  Number,
  Boolean,
  Date,
  Map,
  Set,
  Promise,
  ...(typeof Buffer === 'function' ? [Buffer] : []),
]);
/** Names `Object.prototype` has: class-transformer treats such keys specially, so the builder declines them. */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/** Per class: its plan, or null when `plainToInstance` does more than `new` + copy (`@Expose`, strategies, …). */
const classPlans = new Map<Function, ClassPlan | null>();

function ownKeysMatch(made: Record<string, unknown>, plan: ClassPlan, except?: string): boolean {
  const keys = Object.keys(made).filter((key) => key !== except);
  const expected = plan.initial.filter((key) => key !== except);
  if (keys.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    const key = expected[i]!;
    if (!Object.prototype.hasOwnProperty.call(made, key) || !Object.is(made[key], plan.initialValues[i])) return false;
  }
  return true;
}

/**
 * A class qualifies when `plainToInstance(target, {})` is exactly `new target()`: same prototype,
 * same own properties. `@Expose`d properties, `excludeAll` strategies and constructors with side
 * effects on the result fail this probe.
 */
function classPlan(target: Function): ClassPlan | null {
  let plan = classPlans.get(target);
  if (plan !== undefined) return plan;
  plan = null;
  try {
    const made = new (target as new () => Record<string, unknown>)();
    if (made.constructor === target && Object.getPrototypeOf(made) === target.prototype) {
      const initial = Object.keys(made);
      const candidate: ClassPlan = { initial, initialValues: initial.map((key) => made[key]), keys: new Map() };
      const probe = plainToInstance(target as new () => Record<string, unknown>, {});
      if (Object.getPrototypeOf(probe) === target.prototype && ownKeysMatch(probe, candidate)) plan = candidate;
    }
  } catch {
    plan = null;
  }
  classPlans.set(target, plan);
  return plan;
}

function probeKey(target: Function, plan: ClassPlan, key: string, value: unknown): unknown {
  const made = plainToInstance(target as new () => Record<string, unknown>, { [key]: value });
  if (Object.getPrototypeOf(made) !== target.prototype || !ownKeysMatch(made, plan, key)) throw UNSUPPORTED;
  if (!Object.prototype.hasOwnProperty.call(made, key)) throw UNSUPPORTED;
  return made[key];
}

/**
 * Learns what `plainToInstance` does with `key` on `target` from its answers on a string, a
 * number, `true`, `null`, `{}` and `[{}]`: each must come back as given, except that the object
 * may become an instance of one class (a `@Type`), the same for the object in the array.
 * Anything else (`@Transform`, `@Exclude`, an `@Expose` rename, a conversion, a method or
 * read-only accessor of that name) declines the key.
 */
function learnKey(target: Function, plan: ClassPlan, key: string): KeyPlan | false {
  try {
    for (const value of [PROBE_STRING, PROBE_NUMBER, true, null])
      if (!Object.is(probeKey(target, plan, key, value), value)) return false;
    const object = probeKey(target, plan, key, {});
    if (object === null || typeof object !== 'object' || Array.isArray(object)) return false;
    const type = object.constructor;
    if (typeof type !== 'function' || CONVERTED_TYPES.has(type) || Object.getPrototypeOf(object) !== type.prototype)
      return false;
    const list = probeKey(target, plan, key, [{}]);
    if (!Array.isArray(list) || Object.getPrototypeOf(list) !== Array.prototype || list.length !== 1) return false;
    const item: unknown = list[0];
    if (item === null || typeof item !== 'object' || Object.getPrototypeOf(item) !== type.prototype) return false;
    if (type === Object) return Object.keys(object).length === 0 && Object.keys(item).length === 0 ? null : false;
    return { type: type as new () => object };
  } catch {
    return false;
  }
}

/** The plan of a key not seen before on this class (names of `Object.prototype` are declined without a probe). */
function newKeyPlan(target: Function, plan: ClassPlan, key: string): KeyPlan {
  if (PROTOTYPE_NAMES.has(key) || plan.keys.size >= MAX_PROBED_KEYS) throw UNSUPPORTED;
  const found = learnKey(target, plan, key);
  plan.keys.set(key, found);
  if (found === false) throw UNSUPPORTED;
  return found;
}

/**
 * Limits the caller enforces on the payload: any breach makes the builder give up (the caller then
 * explains it). Keys named like a member of `Object.prototype` (`__proto__`, `constructor`, …) or
 * `prototype` are always declined.
 */
export interface InstanceBuilderLimits {
  /** Deepest nesting of objects and arrays allowed; the root object is at depth 0. */
  readonly maxDepth: number;
}

/**
 * An object or array without a declared type: class-transformer copies it key by key into plain
 * objects and arrays. JSON.parse made it and nobody else holds it, so once its keys are checked
 * (none named like a member of `Object.prototype`, which the copy would skip) the value itself has
 * the same content as the copy.
 */
function checkPlain(value: object, depth: number, limits: InstanceBuilderLimits): void {
  if (depth > limits.maxDepth) throw UNSUPPORTED;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object') checkPlain(item, depth + 1, limits);
    }
    return;
  }
  for (const key in value) {
    if (PROTOTYPE_NAMES.has(key)) throw UNSUPPORTED;
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object') checkPlain(item, depth + 1, limits);
  }
}

/** A value under a key with a type: objects become instances, arrays are mapped item by item. */
function convert(value: unknown, type: new () => object, depth: number, limits: InstanceBuilderLimits): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > limits.maxDepth) throw UNSUPPORTED;
  if (!Array.isArray(value)) return toInstance(type, value as Record<string, unknown>, depth, limits);
  // items converted in place: the array is the parser's own
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const converted = convert(item, type, depth + 1, limits);
    if (converted !== item) value[i] = converted;
  }
  return value;
}

function toInstance(
  target: Function,
  plain: Record<string, unknown>,
  depth: number,
  limits: InstanceBuilderLimits,
): object {
  if (depth > limits.maxDepth) throw UNSUPPORTED;
  const plan = classPlan(target);
  if (!plan) throw UNSUPPORTED;
  // a class whose instances start with no own property: the parsed object itself becomes the instance
  const adopt = plan.initial.length === 0;
  const out = adopt ? plain : new (target as new () => Record<string, unknown>)();
  const keys = plan.keys;
  for (const key in plain) {
    // one lookup per key: a key seen before has its plan (false: declined), an unseen one is learnt
    let found = keys.get(key);
    if (found === undefined) found = newKeyPlan(target, plan, key);
    else if (found === false) throw UNSUPPORTED;
    const value = plain[key];
    if (found !== null) {
      const converted = convert(value, found.type, depth + 1, limits);
      if (!adopt || converted !== value) out[key] = converted;
    } else {
      if (value !== null && typeof value === 'object') checkPlain(value, depth + 1, limits);
      if (!adopt) out[key] = value;
    }
  }
  // same own keys in the same order as the copy `plainToInstance` makes, on the class's prototype
  if (adopt) Object.setPrototypeOf(plain, target.prototype as object);
  return out;
}

const NO_LIMITS: InstanceBuilderLimits = { maxDepth: Infinity };

/**
 * Builds what `plainToInstance(target, plain)` builds from a freshly parsed JSON object, taking the
 * object over: `plain` must be the parser's own, held by nobody else, and is changed whatever the
 * answer (parse the text again to use it after). What class-transformer does with each class and
 * key is learnt once from `plainToInstance`'s own answers on probe values (its public behaviour; no
 * private metadata is read): keys it copies are kept (objects without a declared type as they are),
 * keys whose objects it turns into instances of one class get the same. An object whose class
 * starts with no own property becomes the instance itself (its prototype set once its keys are
 * checked); other classes get a new instance with the keys copied. Returns undefined when it meets
 * what it does not reproduce (then use `plainToInstance` on a fresh parse): `@Expose`, `@Exclude`,
 * `@Transform`, conversions, a key named like a member of `Object.prototype`, more than 512
 * distinct keys on one class, or a breach of `limits`. A `@Type` that picks its class from the
 * value (discriminators) is outside what the probes can see: the event classes do not use one.
 */
export function buildInstance<T extends object>(
  target: new () => T,
  plain: Record<string, unknown>,
  limits: InstanceBuilderLimits = NO_LIMITS,
): T | undefined {
  try {
    return toInstance(target, plain, 0, limits) as T;
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}
