/* eslint-disable @typescript-eslint/no-unsafe-function-type -- class-validator's metadata types classes as Function */
import {
  getMetadataStorage,
  isArray,
  IsArray,
  isBoolean,
  IsBoolean,
  isDefined,
  IsDefined,
  isInt,
  IsInt,
  isNotEmpty,
  IsNotEmpty,
  isObject,
  IsObject,
  isString,
  IsString,
  ValidationTypes,
  type MetadataStorage,
  type ValidationArguments,
  type ValidationOptions,
  type ValidatorConstraintInterface,
} from 'class-validator';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Condition = (object: object, value: unknown) => unknown;
/** One property's checks, decided once per class: true when class-validator would record no error for it. */
type PropertyTest = (object: Record<string, unknown>) => boolean;
/** One decorator's constraint(s) on one value. */
type ConstraintTest = (object: object, value: unknown) => boolean;

const plans = new Map<Function, readonly PropertyTest[]>();

function isPromiseLike(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/** class-validator's own check functions and decorators, by the name the decorators register. */
const BUILT_INS = new Map<string, { check: (value: unknown) => boolean; decorator: (options?: ValidationOptions) => PropertyDecorator }>([
  ['isString', { check: isString, decorator: IsString }],
  ['isBoolean', { check: isBoolean, decorator: IsBoolean }],
  ['isInt', { check: isInt, decorator: IsInt }],
  ['isArray', { check: isArray, decorator: IsArray }],
  ['isObject', { check: isObject, decorator: IsObject }],
  ['isNotEmpty', { check: isNotEmpty, decorator: IsNotEmpty }],
  ['isDefined', { check: isDefined, decorator: IsDefined }],
]);

const genuineMessages = new Map<string, string | undefined>();

/** The default message of class-validator's own decorator of this name (read from a private class decorated with it). */
function genuineMessage(name: string, each: boolean, args: ValidationArguments): string | undefined {
  const key = `${name}:${each}`;
  if (!genuineMessages.has(key)) {
    let message: string | undefined;
    try {
      class Probe {}
      BUILT_INS.get(name)!.decorator({ each })(Probe.prototype, 'probe');
      const storage = getMetadataStorage();
      const [metadata] = storage.getTargetValidationMetadatas(Probe, '', false, false, undefined);
      const [constraint] = storage.getTargetValidatorConstraints(metadata!.constraintCls);
      message = constraint!.instance.defaultMessage?.({ ...args, property: 'probe' });
    } catch {
      message = undefined;
    }
    genuineMessages.set(key, message);
  }
  return genuineMessages.get(key);
}

/** Values on which a decorator must answer exactly as the built-in function of its name before it is replaced by it. */
const PROBES: readonly unknown[] = [
  undefined, null, '', 'text', 0, 1, -1.5, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], ['a'], [1], [null], {}, { a: 1 },
  new String('s'), new Boolean(false), new Number(1), new Date(0), () => 1, Symbol('probe'), 10n, new Set([1]), new Map([[1, 1]]),
];

/**
 * The built-in check behind a decorator (`@IsString()` → class-validator's `isString`), so that it
 * is called directly instead of through its constraint class. Only for a plain use of a built-in
 * (no constraints, no `validateIf`) whose constraint words its message as class-validator's own
 * decorator does and answers as the built-in function on every probe value: a custom decorator
 * registered under the same name keeps going through its own constraint.
 */
function builtInFor(metadata: ValidationMetadata, validators: readonly ValidatorConstraintInterface[], args: ValidationArguments): ((value: unknown) => boolean) | undefined {
  const builtIn = metadata.name === undefined ? undefined : BUILT_INS.get(metadata.name);
  if (!builtIn || validators.length !== 1 || metadata.validateIf || (metadata.constraints && metadata.constraints.length > 0)) return undefined;
  const validator = validators[0]!;
  const probeArgs = { ...args, property: 'probe' };
  const message = genuineMessage(metadata.name!, !!metadata.each, probeArgs);
  if (message === undefined || validator.defaultMessage?.(probeArgs) !== message) return undefined;
  for (const probe of PROBES) {
    let answer: unknown;
    try {
      answer = validator.validate(probe, { ...args, value: probe });
    } catch {
      return undefined;
    }
    if (isPromiseLike(answer) || !!answer !== builtIn.check(probe)) return undefined;
  }
  return builtIn.check;
}

/**
 * One constraint decorator as `validateSync` runs it: skipped when its `validateIf` says so;
 * `each` applies it to the elements of an array, set or map; a constraint answering with a promise
 * records no error. The arguments object is reused from call to call (only the object and the
 * value change): the constraints read it during the call.
 */
function compileConstraint(targetName: string, metadata: ValidationMetadata, validators: readonly ValidatorConstraintInterface[]): ConstraintTest {
  // the plan is per constructor, so every object it sees has this constructor and this name
  const args: ValidationArguments = { targetName, property: metadata.propertyName, object: {}, value: undefined, constraints: metadata.constraints };
  const { validateIf, each } = metadata;
  const check = builtInFor(metadata, validators, args);
  if (check && !each) return (_object, value) => check(value);
  if (check) {
    return (_object, value) => {
      if (Array.isArray(value)) {
        for (const item of value) if (!check(item)) return false;
        return true;
      }
      if (value instanceof Set || value instanceof Map) {
        for (const item of value.values()) if (!check(item)) return false;
        return true;
      }
      return check(value);
    };
  }
  const single = validators.length === 1 ? validators[0]! : undefined;
  if (single && !validateIf && !each) {
    return (object, value) => {
      args.object = object;
      args.value = value;
      // a promise is truthy: an asynchronous answer records no error under validateSync
      return !!single.validate(value, args);
    };
  }
  return (object, value) => {
    if (validateIf && !validateIf(object, value)) return true;
    args.object = object;
    args.value = value;
    const many = each && (Array.isArray(value) || value instanceof Set || value instanceof Map);
    for (const validator of validators) {
      if (!many) {
        if (!validator.validate(value, args)) return false;
        continue;
      }
      const items: readonly unknown[] = Array.isArray(value) ? value : value instanceof Map ? Array.from(value.values()) : Array.from(value as Set<unknown>);
      let failed = false;
      let pending = false;
      for (const item of items) {
        const result = validator.validate(item, args);
        if (isPromiseLike(result)) pending = true;
        else if (!result) failed = true;
      }
      if (failed && !pending) return false;
    }
    return true;
  };
}

/** True when a condition is `@IsOptional()`'s: the property is validated only when not null or undefined (checked on the probes). */
function isOptionalCondition(metadata: ValidationMetadata): boolean {
  if (metadata.name !== 'isOptional' || typeof metadata.constraints?.[0] !== 'function') return false;
  const condition = metadata.constraints[0] as Condition;
  for (const probe of PROBES) {
    let answer: unknown;
    try {
      answer = condition({ [metadata.propertyName]: probe }, probe);
    } catch {
      return false;
    }
    if (!!answer !== (probe !== null && probe !== undefined)) return false;
  }
  return true;
}

/**
 * One property as `validateSync` handles it: every condition must hold (`optional` is
 * `@IsOptional()`'s, inlined), then `@IsDefined`, the constraints and `@ValidateNested`.
 */
function compileProperty(name: string, optional: boolean, conditions: readonly Condition[], tests: readonly ConstraintTest[], nested: boolean): PropertyTest {
  if (conditions.length === 0 && !nested && tests.length === 1) {
    const [test] = tests as [ConstraintTest];
    return optional
      ? (object) => {
          const value = object[name];
          return value === null || value === undefined || test(object, value);
        }
      : (object) => test(object, object[name]);
  }
  if (conditions.length === 0 && !nested && tests.length === 2) {
    const [first, second] = tests as [ConstraintTest, ConstraintTest];
    return optional
      ? (object) => {
          const value = object[name];
          return value === null || value === undefined || (first(object, value) && second(object, value));
        }
      : (object) => {
          const value = object[name];
          return first(object, value) && second(object, value);
        };
  }
  return (object) => {
    const value = object[name];
    if (optional && (value === null || value === undefined)) return true;
    let applies = true;
    for (const condition of conditions) if (!condition(object, value)) applies = false;
    if (!applies) return true;
    for (const test of tests) if (!test(object, value)) return false;
    return !nested || nestedPasses(value);
  };
}

/**
 * Reads class-validator's metadata for one class, with its inherited decorators, exactly as
 * `validateSync` reads it (no groups, `always` off), and compiles one test per property.
 */
function compile(target: Function): readonly PropertyTest[] {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    const list = byProperty.get(metadata.propertyName);
    if (list) list.push(metadata);
    else byProperty.set(metadata.propertyName, [metadata]);
  }
  const toTest = (metadata: ValidationMetadata): ConstraintTest =>
    compileConstraint(
      target.name,
      metadata,
      // validateSync skips asynchronous constraints; the instances are taken from class-validator's container once
      storage
        .getTargetValidatorConstraints(metadata.constraintCls)
        .filter((constraint) => !constraint.async)
        .map((constraint) => constraint.instance),
    );
  const tests: PropertyTest[] = [];
  for (const [name, list] of byProperty) {
    const defined = list.filter((m) => m.type === ValidationTypes.IS_DEFINED);
    const others = list.filter((m) => m.type !== ValidationTypes.IS_DEFINED && m.type !== ValidationTypes.WHITELIST);
    const conditions = others.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION);
    tests.push(
      compileProperty(
        name,
        conditions.some(isOptionalCondition),
        conditions.filter((m) => !isOptionalCondition(m)).map((m) => m.constraints[0] as Condition),
        [...defined, ...others.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION)].map(toTest),
        others.some((m) => m.type === ValidationTypes.NESTED_VALIDATION),
      ),
    );
  }
  return tests;
}

/** `@ValidateNested` on one value: arrays, sets and maps element by element, objects as their class. */
function nestedPasses(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!nestedPasses(item)) return false;
    return true;
  }
  if (value instanceof Set || value instanceof Map) {
    for (const item of value.values()) if (!nestedPasses(item)) return false;
    return true;
  }
  if (value instanceof Object) return passesDecorators(value);
  return false;
}

/**
 * True exactly when class-validator's `validateSync(instance, { forbidUnknownValues: false })`
 * would report no error: the same metadata, read once per class, and the same constraint
 * functions, without building error objects. When it answers false, run class-validator itself
 * to word the errors: it stays the reference, this is only the fast way to say "valid".
 */
export function passesDecorators(instance: object): boolean {
  const target = instance.constructor;
  if (typeof target !== 'function') return false;
  let plan = plans.get(target);
  if (plan === undefined) {
    plan = compile(target);
    plans.set(target, plan);
  }
  const record = instance as Record<string, unknown>;
  for (let i = 0; i < plan.length; i++) if (!plan[i]!(record)) return false;
  return true;
}
