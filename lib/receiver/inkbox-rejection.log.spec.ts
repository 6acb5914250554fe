import { InkboxRejectionLog, type InkboxRejectionLogClock } from './inkbox-rejection.log';
import { inkboxLogValue } from './inkbox-log-value';

class FakeClock implements InkboxRejectionLogClock {
  time = 1_000_000;
  timers: Array<{ at: number; run: () => void }> = [];
  now() {
    return this.time;
  }
  setTimeout(run: () => void, ms: number) {
    this.timers.push({ at: this.time + ms, run });
    return {};
  }
  advance(ms: number) {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    due.forEach((t) => t.run());
  }
}

describe('InkboxRejectionLog', () => {
  function setup() {
    const lines: string[] = [];
    const clock = new FakeClock();
    const log = new InkboxRejectionLog({ warn: (m: unknown) => lines.push(String(m)) }, 20, 10_000, clock);
    return { lines, clock, log };
  }

  it('writes 20 lines per 10 s, then counts and summarises the rest once the window ends', () => {
    const { lines, clock, log } = setup();
    for (let i = 0; i < 25; i++)
      log.reject(401, 'signature_mismatch', 'no key matches', { 'x-inkbox-request-id': `r${i}` });
    for (let i = 0; i < 3; i++) log.reject(400, 'missing_signature', 'missing');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe('Rejected webhook delivery with 401 (request id r0): signature_mismatch: no key matches');
    expect(lines[19]).toContain('request id r19');
    clock.advance(9_999);
    expect(lines).toHaveLength(20);
    clock.advance(1);
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe(
      '8 more webhook deliveries were rejected in 10 s and not logged one by one (3 × 400, 5 × 401).',
    );
    // a new window writes again
    log.reject(413, 'body_too_large', 'too large');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toMatch(/^Rejected webhook delivery with 413 \(request id none\)/);
  });

  it('writes no summary when nothing was left out', () => {
    const { lines, clock, log } = setup();
    for (let i = 0; i < 20; i++) log.reject(400, 'r', 'm');
    clock.advance(60_000);
    log.flush();
    expect(lines).toHaveLength(20);
  });
});

describe('inkboxLogValue', () => {
  it.each([
    ['evt_1\r\nWARN forged', 'evt_1\\r\\nWARN forged'],
    ['tab\there', 'tab\\there'],
    ['nul\u0000 esc\u001b[31m del\u007f', 'nul\\x00 esc\\x1b[31m del\\x7f'],
    ['nel\u0085 csi\u009b', 'nel\\x85 csi\\x9b'],
    ['ls\u2028ps\u2029', 'ls\\u2028ps\\u2029'],
    ['plain évent ✓', 'plain évent ✓'],
  ])('escapes %j', (input, expected) => {
    expect(inkboxLogValue(input)).toBe(expected);
  });

  it('cuts long values, then escapes (the cut never splits an escape)', () => {
    expect(inkboxLogValue('a'.repeat(200), 10)).toBe(`${'a'.repeat(10)}…`);
    expect(inkboxLogValue('\n'.repeat(5), 3)).toBe('\\n\\n\\n…');
    expect(inkboxLogValue('a'.repeat(10), 10)).toBe('a'.repeat(10));
  });

  it('shows absent and non-string values by kind', () => {
    expect(inkboxLogValue(undefined)).toBe('none');
    expect(inkboxLogValue(null)).toBe('none');
    expect(inkboxLogValue(42)).toBe('42');
    expect(inkboxLogValue({ a: 1 })).toBe('(object)');
    expect(inkboxLogValue(['x'])).toBe('(array)');
  });
});
