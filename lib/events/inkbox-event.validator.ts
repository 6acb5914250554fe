/* eslint-disable @typescript-eslint/no-unsafe-function-type -- class-validator's metadata types classes as Function */
import {
  ARRAY_CONTAINS,
  ARRAY_MAX_SIZE,
  ARRAY_MIN_SIZE,
  ARRAY_NOT_CONTAINS,
  ARRAY_NOT_EMPTY,
  ARRAY_UNIQUE,
  EQUALS,
  getMetadataStorage,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_DATE_STRING,
  IS_EMAIL,
  IS_EMPTY,
  IS_ENUM,
  IS_HEXADECIMAL,
  IS_IN,
  IS_INT,
  IS_ISO8601,
  IS_LENGTH,
  IS_LOCALE,
  IS_LOWERCASE,
  IS_NEGATIVE,
  IS_NOT_EMPTY,
  IS_NOT_EMPTY_OBJECT,
  IS_NOT_IN,
  IS_NUMBER,
  IS_NUMBER_STRING,
  IS_OBJECT,
  IS_OPTIONAL,
  IS_PHONE_NUMBER,
  IS_POSITIVE,
  IS_RFC_3339,
  IS_STRING,
  IS_TIMEZONE,
  IS_UPPERCASE,
  IS_URL,
  IS_UUID,
  IS_DEFINED,
  MATCHES,
  MAX,
  MAX_LENGTH,
  MIN,
  MIN_LENGTH,
  NOT_EQUALS,
  ValidationTypes,
  type MetadataStorage,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type Condition = (object: object, value: unknown) => unknown;
/** One property's checks, decided once per class: true when class-validator would record no error for it. */
type PropertyTest = (object: Record<string, unknown>) => boolean;
/** One decorator's constraint(s) on one value. */
type ConstraintTest = (object: object, value: unknown) => boolean;

/** Per class: its compiled tests, or null when it uses a decorator the fast path leaves to class-validator. */
const plans = new Map<Function, readonly PropertyTest[] | null>();

function isPromiseLike(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The class-validator decorators the fast path compiles, by the names class-validator registers
 * them under (its exported constants): synchronous checks of the value alone, with no state.
 * Their own constraint instances are called, so they answer exactly as under `validateSync`. Any
 * other decorator (a custom `@Validate` class, `registerDecorator`, `@ValidatePromise`,
 * `@IsInstance`, asynchronous constraints) sends the class to class-validator itself.
 */
const COMPILED_DECORATORS: ReadonlySet<string> = new Set([
  IS_DEFINED,
  IS_STRING,
  IS_NOT_EMPTY,
  IS_EMPTY,
  IS_ISO8601,
  IS_RFC_3339,
  IS_DATE_STRING,
  IS_OBJECT,
  IS_NOT_EMPTY_OBJECT,
  IS_ARRAY,
  IS_BOOLEAN,
  IS_INT,
  IS_NUMBER,
  IS_NUMBER_STRING,
  IS_POSITIVE,
  IS_NEGATIVE,
  MIN,
  MAX,
  IS_IN,
  IS_NOT_IN,
  IS_ENUM,
  EQUALS,
  NOT_EQUALS,
  MIN_LENGTH,
  MAX_LENGTH,
  IS_LENGTH,
  MATCHES,
  IS_UUID,
  IS_EMAIL,
  IS_URL,
  IS_PHONE_NUMBER,
  IS_LOCALE,
  IS_TIMEZONE,
  IS_LOWERCASE,
  IS_UPPERCASE,
  IS_HEXADECIMAL,
  ARRAY_MIN_SIZE,
  ARRAY_MAX_SIZE,
  ARRAY_NOT_EMPTY,
  ARRAY_UNIQUE,
  ARRAY_CONTAINS,
  ARRAY_NOT_CONTAINS,
]);

/** Validation types the compiler understands; any other one sends the class to class-validator. */
const COMPILED_TYPES: ReadonlySet<string> = new Set([
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.WHITELIST,
]);

/** Thrown while compiling a class that uses a decorator the fast path does not compile. */
class NotCompiled extends Error {}

/**
 * One constraint decorator as `validateSync` runs it: skipped when its `validateIf` says so;
 * `each` applies it to the elements of an array, set or map. The arguments object is reused from
 * call to call (only the object and the value change): the constraints read it during the call.
 */
function compileConstraint(
  targetName: string,
  metadata: ValidationMetadata,
  validator: ValidatorConstraintInterface,
): ConstraintTest {
  // the plan is per constructor, so every object it sees has this constructor and this name
  const args: ValidationArguments = {
    targetName,
    property: metadata.propertyName,
    object: {},
    value: undefined,
    constraints: metadata.constraints,
  };
  const { validateIf, each } = metadata;
  // read once: the call sites below are shared by every compiled constraint, a property load there would be megamorphic
  // eslint-disable-next-line @typescript-eslint/unbound-method -- always called with validator as `this` below
  const validate = validator.validate;
  const one = (object: object, value: unknown): boolean => {
    args.object = object;
    args.value = value;
    const answer = validate.call(validator, value, args);
    if (typeof answer === 'boolean') return answer;
    if (isPromiseLike(answer)) throw UNDECIDED;
    // eslint-disable-next-line @typescript-eslint/no-misused-promises -- promises were handled just above
    return !!answer;
  };
  const test = !each
    ? one
    : (object: object, value: unknown): boolean => {
        if (!(Array.isArray(value) || value instanceof Set || value instanceof Map)) return one(object, value);
        for (const item of value instanceof Map ? value.values() : value) {
          args.object = object;
          args.value = value;
          const answer = validate.call(validator, item, args);
          if (isPromiseLike(answer)) throw UNDECIDED;
          if (!answer) return false;
        }
        return true;
      };
  return validateIf ? (object, value) => !validateIf(object, value) || test(object, value) : test;
}

/** Thrown when a constraint answers with a promise: the fast path leaves such a value to class-validator. */
const UNDECIDED = new NotCompiled('asynchronous answer');

/**
 * One property as `validateSync` handles it: every condition must hold (`optional` is
 * `@IsOptional()`'s, inlined), then `@IsDefined`, the constraints and `@ValidateNested`.
 */
function compileProperty(
  name: string,
  optional: boolean,
  conditions: readonly Condition[],
  tests: readonly ConstraintTest[],
  nested: boolean,
): PropertyTest {
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

/** The constraint instance class-validator calls for a compiled decorator; throws NotCompiled for any other. */
function constraintOf(storage: MetadataStorage, metadata: ValidationMetadata): ValidatorConstraintInterface {
  if (metadata.name === undefined || !COMPILED_DECORATORS.has(metadata.name))
    throw new NotCompiled(metadata.name ?? 'unnamed');
  const constraints = storage.getTargetValidatorConstraints(metadata.constraintCls);
  if (constraints.length !== 1 || constraints[0]!.async) throw new NotCompiled(metadata.name);
  return constraints[0]!.instance;
}

/**
 * Reads class-validator's metadata for one class, with its inherited decorators, exactly as
 * `validateSync` reads it (public `getMetadataStorage()`, no groups, `always` off), and compiles
 * one test per property. Throws NotCompiled for a decorator outside the compiled set.
 */
function compile(target: Function): readonly PropertyTest[] {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(target, '', false, false, undefined);
  const byProperty = new Map<string, ValidationMetadata[]>();
  for (const metadata of metadatas) {
    if (!COMPILED_TYPES.has(metadata.type)) throw new NotCompiled(metadata.type);
    const list = byProperty.get(metadata.propertyName);
    if (list) list.push(metadata);
    else byProperty.set(metadata.propertyName, [metadata]);
  }
  const tests: PropertyTest[] = [];
  for (const [name, list] of byProperty) {
    const conditions = list.filter((m) => m.type === ValidationTypes.CONDITIONAL_VALIDATION);
    const isOptional = (m: ValidationMetadata): boolean =>
      m.name === IS_OPTIONAL && typeof m.constraints?.[0] === 'function';
    const checks = [
      ...list.filter((m) => m.type === ValidationTypes.IS_DEFINED),
      ...list.filter((m) => m.type === ValidationTypes.CUSTOM_VALIDATION),
    ].map((m) => compileConstraint(target.name, m, constraintOf(storage, m)));
    tests.push(
      compileProperty(
        name,
        conditions.some(isOptional),
        conditions.filter((m) => !isOptional(m)).map((m) => m.constraints[0] as Condition),
        checks,
        list.some((m) => m.type === ValidationTypes.NESTED_VALIDATION),
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

function planOf(target: Function): readonly PropertyTest[] | null {
  let plan = plans.get(target);
  if (plan === undefined) {
    try {
      plan = compile(target);
    } catch (error) {
      if (!(error instanceof NotCompiled)) throw error;
      plan = null;
    }
    plans.set(target, plan);
  }
  return plan;
}

/**
 * True when the fast path proves that class-validator's `validateSync(instance, { forbidUnknownValues: false })`
 * reports no error: the same metadata, read once per class through the public
 * `getMetadataStorage()`, and the same constraint instances, without building error objects.
 * False when it finds an error, and also when the instance (or a nested one) belongs to a class
 * using a decorator outside the compiled set: in both cases run class-validator itself, which
 * decides and words the errors.
 */
export function passesDecorators(instance: object): boolean {
  const target = instance.constructor;
  if (typeof target !== 'function') return false;
  const plan = planOf(target);
  if (plan === null) return false;
  const record = instance as Record<string, unknown>;
  try {
    for (let i = 0; i < plan.length; i++) if (!plan[i]!(record)) return false;
  } catch (error) {
    if (error === UNDECIDED) return false;
    throw error;
  }
  return true;
}

/** True when every decorator of the class (and its parents) is one the fast path compiles. */
export function isCompiledByFastPath(target: Function): boolean {
  return planOf(target) !== null;
}
