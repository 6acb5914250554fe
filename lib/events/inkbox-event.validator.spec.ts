import 'reflect-metadata';
import { Exclude, Expose, plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidateBy,
  ValidatorConstraint,
  validateSync,
  type ValidatorConstraintInterface,
} from 'class-validator';
import fc from 'fast-check';
import { InkboxEvent } from './dto/inkbox-event.dto.js';
import { INKBOX_EVENT_CLASSES } from './inkbox-event-types.js';
import { InkboxPayloadError, parseInkboxPayloadAs } from './inkbox-event.parser.js';
import { buildInstance } from './inkbox-event.transformer.js';
import { isCompiledByFastPath, passesDecorators } from './inkbox-event.validator.js';
import { InkboxMailContact } from './dto/mail-contact.dto.js';
import { InkboxMailEventData } from './dto/mail-event-data.dto.js';
import { InkboxMailMessage } from './dto/mail-message.dto.js';

const OPTIONS = { forbidUnknownValues: false, skipMissingProperties: false } as const;

/** class-validator's own answer for an instance. */
function classValidatorSaysValid(instance: object): boolean {
  return validateSync(instance, OPTIONS).length === 0;
}

// ---- classes exercising decorators beyond those of the event DTOs ------------------------------

@ValidatorConstraint({ name: 'evenLength' })
class EvenLength implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value.length % 2 === 0;
  }
}

@ValidatorConstraint({ name: 'neverChecked', async: true })
class AlwaysRejectsAsync implements ValidatorConstraintInterface {
  async validate(): Promise<boolean> {
    return false;
  }
}

class Leaf {
  @IsInt()
  @Min(0)
  @Max(10)
  n!: number;

  @IsOptional()
  @IsEmail()
  email?: string;

  @IsOptional()
  @Length(2, 4)
  even?: string;
}

class Base {
  @IsString()
  @IsNotEmpty()
  name!: string;

  @IsObject()
  meta!: Record<string, unknown>;
}

class Sample extends Base {
  // overrides the inherited IsObject: an original custom validation hides the inherited ones
  @IsOptional()
  @IsString()
  declare meta: Record<string, unknown>;

  @IsIn(['a', 'b'])
  kind!: string;

  @ValidateIf((o: Sample) => o.kind === 'a')
  @Length(2, 4)
  code?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  tags?: string[];

  @IsDefined()
  @ValidateNested()
  @Type(() => Leaf)
  leaf!: Leaf;

  @IsOptional()
  @ValidateNested({ each: true })
  @Type(() => Leaf)
  leaves?: Leaf[];

  @IsOptional()
  @IsISO8601()
  at?: string;

  @IsOptional()
  @IsBoolean({ message: 'flag must be true or false', validateIf: (_o: object, v: unknown) => v !== 'skip' })
  flag?: boolean;

  @IsOptional()
  @ValidateNested()
  untypedNested?: object;
}

const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -3, max: 13 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('', 'a', 'b', 'ab', 'abcd', 'abcde', 'x@example.com', '2026-01-02T03:04:05Z', 'skip', 'not a date'),
  fc.constant([]),
  fc.constant({}),
);

/** Mostly a valid value, sometimes anything: most generated instances are valid or one field off. */
function mostly<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: jsonValue, weight: 1 });
}

const leafArb = fc.record(
  {
    n: mostly(fc.integer({ min: 0, max: 10 })),
    email: mostly(fc.constant('x@example.com')),
    even: mostly(fc.constantFrom('ab', 'abcd')),
  },
  { requiredKeys: ['n'] },
);

const sampleArb = fc.record(
  {
    name: mostly(fc.constantFrom('n', 'name')),
    meta: mostly(fc.constantFrom('text', null)),
    kind: mostly(fc.constantFrom('a', 'b')),
    code: mostly(fc.constantFrom('ab', 'abcd')),
    tags: mostly(fc.array(mostly(fc.constantFrom('t', 'u')), { minLength: 1, maxLength: 3 })),
    leaf: mostly(leafArb),
    leaves: mostly(fc.array(mostly(leafArb), { maxLength: 3 })),
    at: mostly(fc.constant('2026-05-17T10:00:00.000Z')),
    flag: mostly(fc.boolean()),
    untypedNested: mostly(fc.constantFrom({ deep: { deeper: [1, { x: null }] } }, [{ a: 1 }, 2])),
    extra: fc.oneof(fc.constant({ nested: [1, 'two', { three: 3 }] }), jsonValue),
  },
  { requiredKeys: ['name', 'kind', 'leaf'] },
);

describe('passesDecorators (validation compiled from class-validator metadata)', () => {
  it('agrees with validateSync on generated instances of a class using many decorators', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(sampleArb, (plain) => {
        const instance = plainToInstance(Sample, plain);
        const expected = classValidatorSaysValid(instance);
        if (expected) valid++;
        else invalid++;
        expect(passesDecorators(instance)).toBe(expected);
      }),
      { numRuns: 3000, seed: 20260517 },
    );
    expect(valid).toBeGreaterThan(300);
    expect(invalid).toBeGreaterThan(300);
  });

  it('accepts a valid instance and rejects each single broken field of it', () => {
    const good = {
      name: 'n',
      kind: 'a',
      code: 'abc',
      tags: ['t'],
      leaf: { n: 3, email: 'x@example.com', even: 'ab' },
      leaves: [{ n: 0 }, { n: 10 }],
      at: '2026-05-17T10:00:00.000Z',
      flag: true,
      untypedNested: { free: ['form'] },
    };
    expect(passesDecorators(plainToInstance(Sample, good))).toBe(true);
    expect(classValidatorSaysValid(plainToInstance(Sample, good))).toBe(true);
    const broken: Array<Record<string, unknown>> = [
      { name: '' },
      { name: 1 },
      { kind: 'c' },
      { code: 'a' },
      { tags: [] },
      { tags: ['t', 2] },
      { leaf: undefined },
      { leaf: null },
      { leaf: 'leaf' },
      { leaf: { n: 11 } },
      { leaf: { n: 1.5 } },
      { leaf: { n: 1, even: 'abcde' } },
      { leaves: [{ n: 1 }, null] },
      { leaves: [{ n: -1 }] },
      { at: 'yesterday' },
      { flag: 'yes' },
      { untypedNested: 'text' },
      { meta: 5 },
    ];
    for (const change of broken) {
      const instance = plainToInstance(Sample, { ...good, ...change });
      expect([change, passesDecorators(instance)]).toEqual([change, false]);
      expect([change, classValidatorSaysValid(instance)]).toEqual([change, false]);
    }
    // allowed by their decorators: code without kind "a", a flag value its validateIf skips, nulls where optional
    for (const change of [
      { kind: 'b', code: 'way too long' },
      { flag: 'skip' },
      { tags: null, leaves: null, at: null, meta: null },
    ]) {
      const instance = plainToInstance(Sample, { ...good, ...change });
      expect([change, passesDecorators(instance)]).toEqual([change, true]);
      expect([change, classValidatorSaysValid(instance)]).toEqual([change, true]);
    }
  });

  it('compiles the event classes, and leaves classes with other decorators to class-validator', () => {
    for (const cls of [InkboxEvent, ...Object.values(INKBOX_EVENT_CLASSES), Sample, Leaf])
      expect([cls.name, isCompiledByFastPath(cls)]).toEqual([cls.name, true]);
    class WithCustomConstraint {
      @Validate(EvenLength)
      even!: string;
    }
    class WithAsyncConstraint {
      @IsOptional()
      @Validate(AlwaysRejectsAsync)
      value?: string;
    }
    class HoldsCustom {
      @ValidateNested()
      @Type(() => WithCustomConstraint)
      inner!: WithCustomConstraint;
    }
    expect(isCompiledByFastPath(WithCustomConstraint)).toBe(false);
    expect(isCompiledByFastPath(WithAsyncConstraint)).toBe(false);
    // never "proven valid" by the fast path, whatever the value: class-validator decides
    expect(passesDecorators(Object.assign(new WithCustomConstraint(), { even: 'ab' }))).toBe(false);
    expect(passesDecorators(plainToInstance(HoldsCustom, { inner: { even: 'ab' } }))).toBe(false);
    expect(classValidatorSaysValid(plainToInstance(HoldsCustom, { inner: { even: 'ab' } }))).toBe(true);
  });

  it('calls a custom decorator registered under a built-in name through its own constraint', () => {
    const NotForbidden = () =>
      ValidateBy({
        name: 'isString',
        validator: {
          validate: (v: unknown) => typeof v === 'string' && v !== 'forbidden',
          defaultMessage: () => '$property is forbidden',
        },
      });
    class Custom {
      @NotForbidden()
      value!: unknown;
    }
    for (const value of ['ok', 'forbidden', 1, null]) {
      const instance = Object.assign(new Custom(), { value });
      expect([value, passesDecorators(instance)]).toEqual([value, classValidatorSaysValid(instance)]);
    }
  });

  it('validates nested plain objects of classes with no metadata as valid (forbidUnknownValues off)', () => {
    class Holder {
      @ValidateNested()
      value!: unknown;
    }
    for (const value of [{}, { a: 1 }, [], [{}, { b: [] }], 1, 'x', null, undefined]) {
      const instance = Object.assign(new Holder(), { value });
      expect([value, passesDecorators(instance)]).toEqual([value, classValidatorSaysValid(instance)]);
    }
  });
});

describe('buildInstance (what plainToInstance builds, from @Type metadata)', () => {
  it('builds the same instances as plainToInstance for generated plain values', () => {
    fc.assert(
      fc.property(sampleArb, (plain) => {
        const built = buildInstance(Sample, JSON.parse(JSON.stringify(plain)));
        expect(built).toStrictEqual(plainToInstance(Sample, JSON.parse(JSON.stringify(plain))));
      }),
      { numRuns: 1000, seed: 7 },
    );
  });

  it('builds the event classes down to messages, contacts and identities', () => {
    const plain = {
      event_type: 'message.sent',
      timestamp: '2026-05-17T10:00:00.000Z',
      data: {
        message: { id: 'm', to_addresses: ['a@example.com'], headers: { 'x-a': ['1'] } },
        contacts: [{ bucket: 'to', address: 'a@example.com', id: 'c' }, 'not an object', null],
        agent_identities: [],
        contact: null,
        context: { anything: [{ goes: true }] },
        later_field: { kept: 1 },
      },
    };
    const cls = INKBOX_EVENT_CLASSES['message.sent'];
    const built = buildInstance(cls, JSON.parse(JSON.stringify(plain)))!;
    expect(built).toStrictEqual(plainToInstance(cls, JSON.parse(JSON.stringify(plain))));
    expect(built).toBeInstanceOf(cls);
    expect(built.data).toBeInstanceOf(InkboxMailEventData);
    expect(built.data.message).toBeInstanceOf(InkboxMailMessage);
    expect(built.data.contacts![0]).toBeInstanceOf(InkboxMailContact);
    expect(built.data.later_field).toEqual({ kept: 1 });
    expect(buildInstance(InkboxEvent, JSON.parse(JSON.stringify(plain)))).toStrictEqual(
      plainToInstance(InkboxEvent, JSON.parse(JSON.stringify(plain))),
    );
  });

  it('declines what it does not reproduce (@Expose, @Exclude, @Transform, conversions), leaving it to plainToInstance', () => {
    class Exposed {
      @Expose({ name: 'other' })
      value?: string;
    }
    class Transformed {
      @Transform(({ value }) => String(value).toUpperCase())
      value?: string;
    }
    class Excluded {
      @Exclude()
      secret?: string;
    }
    class Dated {
      @Type(() => Date)
      at?: Date;
    }
    class ExcludeAll {
      value?: string;
    }
    Exclude()(ExcludeAll);
    expect(buildInstance(Excluded, { secret: 'x' })).toBeUndefined();
    expect(buildInstance(Excluded, { other: 'x' })).toStrictEqual(plainToInstance(Excluded, { other: 'x' }));
    expect(buildInstance(Dated, { at: '2026-05-17T10:00:00.000Z' })).toBeUndefined();
    expect(buildInstance(ExcludeAll, { value: 'x' })).toBeUndefined();
    expect(buildInstance(Exposed, { other: 'x' })).toBeUndefined();
    expect(buildInstance(Transformed, { value: 'x' })).toBeUndefined();
    expect(buildInstance(Transformed, { unrelated: 'x' })).toStrictEqual(
      plainToInstance(Transformed, { unrelated: 'x' }),
    );
  });

  it('declines keys that name methods of the class (plainToInstance skips them)', () => {
    class WithMethod {
      @IsOptional()
      label?: string;
      describe(): string {
        return 'method';
      }
    }
    // declined: plainToInstance then skips the key itself
    expect(buildInstance(WithMethod, { label: 'l', describe: 'data' })).toBeUndefined();
    expect(buildInstance(WithMethod, { label: 'l' })).toStrictEqual(plainToInstance(WithMethod, { label: 'l' }));
    expect(plainToInstance(WithMethod, { label: 'l', describe: 'data' }).describe()).toBe('method');
  });
});

describe('a DTO with a decorator the fast path does not compile', () => {
  @ValidatorConstraint({ name: 'evenLength' })
  class EvenLengthConstraint implements ValidatorConstraintInterface {
    validate(value: unknown): boolean {
      return typeof value === 'string' && value.length % 2 === 0;
    }
    defaultMessage(): string {
      return '$property must have an even length';
    }
  }
  class CustomEvent extends InkboxEvent {
    @Validate(EvenLengthConstraint)
    code!: string;
  }
  const envelope = { event_type: 'custom.event', timestamp: '2026-05-17T10:00:00.000Z', data: {} };

  it('is left to class-validator, which rejects what the decorator rejects, in its own words', () => {
    expect(isCompiledByFastPath(CustomEvent)).toBe(false);
    expect(() => parseInkboxPayloadAs(CustomEvent, JSON.stringify({ ...envelope, code: 'odd' }))).toThrow(
      new InkboxPayloadError(['code must have an even length']),
    );
    expect(() =>
      parseInkboxPayloadAs(CustomEvent, JSON.stringify({ ...envelope, timestamp: 'later', code: 'odd' })),
    ).toThrow(
      new InkboxPayloadError(['code must have an even length', 'timestamp must be a valid ISO 8601 date string']),
    );
  });

  it('is accepted as class-validator accepts it, as an instance of the class', () => {
    const event = parseInkboxPayloadAs(CustomEvent, JSON.stringify({ ...envelope, code: 'even' }));
    expect(event).toBeInstanceOf(CustomEvent);
    expect(event).toStrictEqual(plainToInstance(CustomEvent, { ...envelope, code: 'even' }));
  });
});
