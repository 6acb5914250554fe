import { InkboxPayloadError, parseInkboxEvent } from '../../lib';
import { parseInkboxEventWithClassValidator } from '../../lib/events/inkbox-event.parser';
import { createInkboxEvent } from '../../lib/testing';

/** Both paths (compiled fast path, class-validator) must give the same verdict: refused, naming the field. */
function expectRefused(payload: unknown, field: string): void {
  const body = JSON.stringify(payload);
  for (const parse of [parseInkboxEvent, parseInkboxEventWithClassValidator]) {
    let error: unknown;
    try {
      parse(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InkboxPayloadError);
    expect((error as InkboxPayloadError).problems.join('\n')).toContain(field);
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('parser verdicts: every constraint of the envelope refuses a wrong value', () => {
  const valid = createInkboxEvent('message.received') as Record<string, unknown>;

  it('the valid event is accepted by both paths', () => {
    expect(parseInkboxEvent(JSON.stringify(valid)).event_type).toBe('message.received');
    expect(parseInkboxEventWithClassValidator(JSON.stringify(valid)).event_type).toBe('message.received');
  });

  it.each([
    ['event_type', 5],
    ['event_type', ''],
    ['event_type', true],
    ['timestamp', 'yesterday'],
    ['timestamp', '2026-13-45T00:00:00Z'],
    ['timestamp', 1750000000],
    ['id', 5],
    ['id', ''],
    ['data', 'text'],
    ['data', null],
  ])('%s = %j is refused', (field, value) => {
    expectRefused({ ...valid, [field]: value }, field);
  });
});

describe('parser verdicts: every string field of a mail message refuses a number', () => {
  const valid = createInkboxEvent('message.received') as { data: { message: Record<string, unknown> } };
  const stringFields = Object.entries(valid.data.message)
    .filter(([, v]) => typeof v === 'string')
    .map(([k]) => k);
  const listFields = Object.entries(valid.data.message)
    .filter(([, v]) => Array.isArray(v) && v.every((x) => typeof x === 'string'))
    .map(([k]) => k);

  it('has fields to check', () => {
    expect(stringFields.length).toBeGreaterThan(3);
  });

  it.each(stringFields)('data.message.%s = 123 is refused', (field) => {
    const payload = clone(valid);
    payload.data.message[field] = 123;
    expectRefused(payload, field);
  });

  it.each(listFields)('data.message.%s = [123] is refused', (field) => {
    const payload = clone(valid);
    payload.data.message[field] = [123];
    expectRefused(payload, field);
  });
});
