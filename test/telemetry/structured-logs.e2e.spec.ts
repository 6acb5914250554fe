import { ConsoleLogger, type LoggerService } from '@nestjs/common';
import { createInkboxEvent } from '../../lib/testing';
import { sendSigned } from '../support/http';
import { ADAPTERS, createEnhancedApp } from './support/enhanced-app';

const PATH = '/inkbox/webhooks';

/** A JSON-style logger (as nestjs-pino): keeps the raw arguments of every call. */
class RawLogger implements LoggerService {
  readonly calls: Array<{ level: string; args: unknown[] }> = [];
  log(...args: unknown[]) {
    this.calls.push({ level: 'log', args });
  }
  error(...args: unknown[]) {
    this.calls.push({ level: 'error', args });
  }
  warn(...args: unknown[]) {
    this.calls.push({ level: 'warn', args });
  }
  debug(...args: unknown[]) {
    this.calls.push({ level: 'debug', args });
  }
  verbose(...args: unknown[]) {
    this.calls.push({ level: 'verbose', args });
  }

  /** The object messages, with their own enumerable fields (what a JSON logger serialises). */
  records(level: string): Array<Record<string, unknown>> {
    return this.calls
      .filter((c) => c.level === level && typeof c.args[0] === 'object')
      .map((c) => ({ ...(c.args[0] as object) }));
  }
}

describe.each(ADAPTERS)('structured handler logs (%s)', (adapter) => {
  it('JSON loggers get eventId, eventType, requestId, handler, outcome and durationMs as fields', async () => {
    const logger = new RawLogger();
    const app = await createEnhancedApp({ adapter, inkbox: { idempotency: false }, logger });
    try {
      const failing = createInkboxEvent('message.received', { data: { message: { subject: 'boom' } } });
      expect((await sendSigned(app, PATH, failing)).status).toBe(500);
      const failure = logger.records('error').find((r) => r.handler === 'EnhancedHandlers.onReceived')!;
      expect(failure).toMatchObject({
        eventId: failing.id,
        eventType: 'message.received',
        handler: 'EnhancedHandlers.onReceived',
        outcome: 'failed',
      });
      expect(failure.msg).toMatch(/^Handler EnhancedHandlers\.onReceived failed for message\.received event /);
      expect(typeof failure.requestId).toBe('string');
      expect(typeof failure.durationMs).toBe('number');
      expect((failure.err as Error).message).toBe('handler exploded');

      const ok = createInkboxEvent('message.received', { data: { message: { subject: 'deny' } } });
      expect((await sendSigned(app, PATH, ok)).status).toBe(200);
      const debug = logger.records('debug').filter((r) => r.eventId === ok.id);
      expect(
        debug.map((r) => `${(r.handler as string | undefined) ?? 'delivery'}:${String(r.outcome)}`).sort(),
      ).toEqual(['EnhancedHandlers.guarded:ignored', 'EnhancedHandlers.onReceived:processed', 'delivery:processed']);
      for (const record of debug) expect(typeof record.durationMs).toBe('number');
    } finally {
      await app.close();
    }
  });
});

describe("Nest's console logger", () => {
  async function printed(logger: ConsoleLogger): Promise<string> {
    const out: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    const app = await createEnhancedApp({ adapter: 'express', inkbox: { idempotency: false }, logger });
    try {
      const res = await sendSigned(
        app,
        PATH,
        createInkboxEvent('message.received', { id: 'evt_logline', data: { message: { subject: 'boom' } } }),
      );
      expect(res.status).toBe(500);
    } finally {
      spy.mockRestore();
      await app.close();
    }
    return out.join('');
  }

  it('prints a handler failure as one readable line with the fields, then the stack', async () => {
    const text = await printed(new ConsoleLogger({ colors: false, logLevels: ['error'] }));
    const line = text.split('\n').find((l) => l.includes('EnhancedHandlers.onReceived failed'))!;
    expect(line).toMatch(
      /\[InkboxWebhook\] Handler EnhancedHandlers\.onReceived failed for message\.received event evt_logline \(request \S+\): handler exploded \[eventType=message\.received eventId=evt_logline requestId=\S+ handler=EnhancedHandlers\.onReceived outcome=failed durationMs=\d+\]/,
    );
    expect(text).toMatch(/Error: handler exploded\n\s+at /);
  });

  it('in JSON mode, writes the fields inside the JSON record', async () => {
    const text = await printed(new ConsoleLogger({ json: true, colors: false, logLevels: ['error'] }));
    const record = text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { message: Record<string, unknown>; context: string })
      .find((r) => typeof r.message === 'object' && r.message.handler === 'EnhancedHandlers.onReceived')!;
    expect(record.context).toBe('InkboxWebhook');
    expect(record.message).toMatchObject({
      eventId: 'evt_logline',
      eventType: 'message.received',
      outcome: 'failed',
      handler: 'EnhancedHandlers.onReceived',
    });
  });
});
