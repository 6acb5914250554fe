/* eslint-disable @typescript-eslint/no-unsafe-function-type -- class-transformer's metadata types classes as Function */
import { plainToInstance, TransformationType, Type } from 'class-transformer';
// class-transformer keeps its decorator metadata in this module and ships no declarations beside
// it; the few read-only methods used here are typed by `TransformerStorage` below.
// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- an error in one of the two builds only, so not @ts-expect-error
// @ts-ignore
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';

interface TypeMetadataLike {
  readonly reflectedType?: unknown;
  readonly typeFunction?: (options?: { newObject: unknown; object: Record<string, unknown>; property: string }) => unknown;
  readonly options?: { readonly discriminator?: unknown } | null;
}

interface TransformerStorage {
  findTypeMetadata(target: Function, propertyName: string): TypeMetadataLike | undefined;
  findTransformMetadatas(target: Function, propertyName: string, transformationType: TransformationType): readonly unknown[];
  getStrategy(target: Function): string;
  getExposedMetadatas(target: Function): readonly unknown[];
  getExcludedMetadatas(target: Function): readonly unknown[];
}

/** How class-transformer treats one key of one class (null: it does nothing special). */
interface KeyPlan {
  readonly type: TypeMetadataLike | null;
}

/** What is known of a class: how each key seen so far is treated. */
interface ClassPlan {
  readonly keys: Map<string, KeyPlan>;
}

/** Thrown inside the builder when a value needs a feature it does not reproduce; the caller then uses plainToInstance. */
class Unsupported extends Error {}
const UNSUPPORTED = new Unsupported('use plainToInstance');
const MAX_CACHED_KEYS = 512;

const storage = defaultMetadataStorage as TransformerStorage | undefined;
/** Per class: its plan, or null when the class uses @Expose/@Exclude/strategies (not reproduced). */
const classPlans = new Map<Function, ClassPlan | null>();
let verdict: boolean | undefined;

/**
 * True when the metadata storage read here is the one `plainToInstance` uses (a bundler could
 * give two copies of class-transformer), checked once with a probe class decorated through the
 * public `@Type`.
 */
function storageIsShared(): boolean {
  if (verdict !== undefined) return verdict;
  verdict = false;
  try {
    if (!storage || typeof storage.findTypeMetadata !== 'function' || typeof storage.findTransformMetadatas !== 'function') return false;
    class ProbeChild {}
    class Probe {
      child?: ProbeChild;
    }
    Type(() => ProbeChild)(Probe.prototype, 'child');
    const viaPublic = plainToInstance(Probe, { child: {} }).child;
    const viaStorage = storage.findTypeMetadata(Probe, 'child');
    verdict = viaPublic instanceof ProbeChild && viaStorage?.typeFunction?.() === ProbeChild;
  } catch {
    verdict = false;
  }
  return verdict;
}

function classPlan(target: Function): ClassPlan | null {
  let plan = classPlans.get(target);
  if (plan !== undefined) return plan;
  plan = null;
  if (
    storage!.getStrategy(target) === 'none' &&
    storage!.getExposedMetadatas(target).length === 0 &&
    storage!.getExcludedMetadatas(target).length === 0
  ) {
    const probe = new (target as new () => object)();
    // The builder relies on `out.constructor.prototype` being in the instance's chain, as for any class.
    if (probe.constructor === target && Object.getPrototypeOf(probe) === target.prototype) {
      plan = { keys: new Map() };
    }
  }
  classPlans.set(target, plan);
  return plan;
}

function keyPlan(target: Function, plan: ClassPlan, key: string): KeyPlan {
  let found = plan.keys.get(key);
  if (found) return found;
  if (storage!.findTransformMetadatas(target, key, TransformationType.PLAIN_TO_CLASS).length > 0) throw UNSUPPORTED;
  const type = storage!.findTypeMetadata(target, key) ?? null;
  if (type && type.options && type.options.discriminator) throw UNSUPPORTED;
  found = { type };
  if (plan.keys.size < MAX_CACHED_KEYS) plan.keys.set(key, found);
  return found;
}

const CONVERTED_TYPES: ReadonlySet<unknown> = new Set<unknown>([String, Number, Boolean, Date, Map, Set, Promise, ...(typeof Buffer === 'function' ? [Buffer] : [])]);

/** Limits the caller enforces on the payload: any breach makes the builder give up (the caller then explains it). */
export interface InstanceBuilderLimits {
  /** Deepest nesting of objects and arrays allowed; the root object is at depth 0. */
  readonly maxDepth: number;
  /** Keys the caller refuses anywhere in the payload. */
  readonly refusedKeys: ReadonlySet<string>;
}

/**
 * A key the builder does not handle: the caller's refused keys, and any name `Object.prototype`
 * has (`__proto__`, `constructor`, `toString`, …), which class-transformer skips.
 */
function checkKey(key: string, limits: InstanceBuilderLimits): void {
  if (key in Object.prototype || limits.refusedKeys.has(key)) throw UNSUPPORTED;
}

/**
 * An object or array without a declared type: class-transformer copies it key by key into plain
 * objects and arrays. JSON.parse made it and nobody else holds it, so once its keys are checked the
 * value itself has the same content as the copy.
 */
function checkPlain(value: object, depth: number, limits: InstanceBuilderLimits): void {
  if (depth > limits.maxDepth) throw UNSUPPORTED;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (item !== null && typeof item === 'object') checkPlain(item, depth + 1, limits);
    return;
  }
  for (const key in value) {
    checkKey(key, limits);
    const item = (value as Record<string, unknown>)[key];
    if (item !== null && typeof item === 'object') checkPlain(item, depth + 1, limits);
  }
}

function convert(value: unknown, targetType: unknown, arrayType: unknown, depth: number, limits: InstanceBuilderLimits): unknown {
  if (Array.isArray(value)) {
    if (depth > limits.maxDepth) throw UNSUPPORTED;
    if (arrayType && arrayType !== Array) {
      const made = new (arrayType as new () => object)();
      if (made instanceof Set || 'push' in made) throw UNSUPPORTED; // a Set or an array subclass: left to class-transformer
    }
    const out: unknown[] = [];
    for (const item of value) out.push(convert(item, targetType, undefined, depth + 1, limits));
    return out;
  }
  if (targetType && (typeof targetType !== 'function' || CONVERTED_TYPES.has(targetType))) throw UNSUPPORTED;
  if (value === null || typeof value !== 'object') return value;
  if (targetType) return toInstance(targetType as Function, value as Record<string, unknown>, depth, limits);
  checkPlain(value, depth, limits);
  return value;
}

function convertTyped(out: Record<string, unknown>, plain: Record<string, unknown>, key: string, type: TypeMetadataLike, depth: number, limits: InstanceBuilderLimits): unknown {
  if (type.reflectedType === Map) throw UNSUPPORTED;
  const sub = plain[key];
  const subType = type.typeFunction ? type.typeFunction({ newObject: out, object: plain, property: key }) : type.reflectedType;
  return convert(sub, subType, Array.isArray(sub) ? type.reflectedType : undefined, depth + 1, limits);
}

function toInstance(target: Function, plain: Record<string, unknown>, depth: number, limits: InstanceBuilderLimits): object {
  if (depth > limits.maxDepth) throw UNSUPPORTED;
  const plan = classPlan(target);
  if (!plan) throw UNSUPPORTED;
  const out = new (target as new () => Record<string, unknown>)();
  for (const key of Object.keys(plain)) {
    checkKey(key, limits);
    const { type } = keyPlan(target, plan, key);
    if (key in out) {
      // class-transformer leaves methods and read-only accessors of the class alone
      const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
      if ((descriptor && !descriptor.set) || out[key] instanceof Function) continue;
    }
    if (type) {
      out[key] = convertTyped(out, plain, key, type, depth, limits);
    } else {
      const sub = plain[key];
      if (sub !== null && typeof sub === 'object') checkPlain(sub, depth + 1, limits);
      out[key] = sub;
    }
  }
  return out;
}

const NO_LIMITS: InstanceBuilderLimits = { maxDepth: Infinity, refusedKeys: new Set() };

/**
 * Builds what `plainToInstance(target, plain)` builds from a freshly parsed JSON object, with the
 * `@Type` metadata of class-transformer, for classes that use only `@Type` (no `@Expose`,
 * `@Exclude`, `@Transform`, discriminators or conversions to String/Number/Date/Map/Set). Objects
 * without a declared type are kept as they are instead of being copied. Returns undefined when it
 * meets what it does not reproduce (then use `plainToInstance`): such a feature, a key named like a
 * member of `Object.prototype`, or a breach of `limits`.
 */
export function buildInstance<T extends object>(target: new () => T, plain: Record<string, unknown>, limits: InstanceBuilderLimits = NO_LIMITS): T | undefined {
  if (!storageIsShared()) return undefined;
  try {
    return toInstance(target, plain, 0, limits) as T;
  } catch (error) {
    if (error === UNSUPPORTED) return undefined;
    throw error;
  }
}

/** True when the fast builder can be used at all in this process (one copy of class-transformer). */
export function fastInstanceBuilderAvailable(): boolean {
  return storageIsShared();
}
