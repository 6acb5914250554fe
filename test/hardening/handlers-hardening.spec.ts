import { Injectable, type INestApplication } from '@nestjs/common';
import { EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { InkboxEvent, OnInkboxEvent } from '../../lib';
import { createInkboxEvent, signInkboxWebhook } from '../../lib/testing';
import { APP_KINDS, KEY, makeHardenApp, rejectionLines } from './harden-app';
import { listen, rawRequest } from './raw-http';

const PATH = '/inkbox/webhooks';

async function deliver(port: number, body: unknown) {
  const s = signInkboxWebhook(body, { signingKey: KEY });
  const res = await rawRequest(port, 'POST', PATH, s.headers, s.body);
  return { status: res.status, body: JSON.parse(res.body) as Record<string, unknown> };
}

/** A gate a test opens; `entered` resolves when someone waits at it. */
function gate() {
  let open!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const arrived = new Promise<void>((r) => (entered = r));
  return { open, opened, arrived, entered };
}

const labels: string[] = [];

class LabelledHandler {
  constructor(private readonly label: string) {}
  @OnInkboxEvent('message.received')
  on() {
    labels.push(this.label);
  }
}

@Injectable()
class ClassHandler {
  @OnInkboxEvent('message.received')
  on() {
    labels.push('class');
  }
}

@Injectable()
class TypedAndWildcard {
  @OnInkboxEvent('message.received')
  @OnInkboxEvent('*')
  both(event: InkboxEvent) {
    labels.push(`both:${event.event_type}`);
  }
}

describe.each(APP_KINDS)('handlers on every kind of provider — %s', (kind) => {
  let app: INestApplication;
  let port: number;
  beforeAll(async () => {
    ({ app } = await makeHardenApp(
      kind,
      {},
      {
        providers: [
          { provide: 'FACTORY', useFactory: () => new LabelledHandler('factory') },
          { provide: 'ASYNC_FACTORY', useFactory: async () => new LabelledHandler('async factory') },
          { provide: 'VALUE', useValue: new LabelledHandler('value') },
          ClassHandler,
          { provide: 'ALIAS', useExisting: ClassHandler },
          { provide: 'ALIAS_OF_FACTORY', useExisting: 'FACTORY' },
          TypedAndWildcard,
        ],
      },
    ));
    port = await listen(app);
  });
  afterAll(() => app.close());
  beforeEach(() => (labels.length = 0));

  it('useFactory, async useFactory, useValue and class providers each run once; aliases add nothing', async () => {
    expect((await deliver(port, createInkboxEvent('message.received'))).body).toEqual({ outcome: 'processed' });
    expect([...labels].sort()).toEqual(['async factory', 'both:message.received', 'class', 'factory', 'value']);
  });

  it("a method decorated for a type and for '*' runs once for an event of that type", async () => {
    await deliver(port, createInkboxEvent('message.received'));
    expect(labels.filter((l) => l.startsWith('both:'))).toEqual(['both:message.received']);
    labels.length = 0;
    await deliver(port, createInkboxEvent('message.sent'));
    expect(labels).toEqual(['both:message.sent']);
  });
});

describe.each(APP_KINDS)('dispatch semantics — %s', (kind) => {
  it('with idempotency off, handlers run concurrently and a failure stops none of the others', async () => {
    const g = gate();
    const ran: string[] = [];
    @Injectable()
    class Handlers {
      @OnInkboxEvent('message.received')
      fails() {
        ran.push('fails');
        throw new Error('first handler fails');
      }
      @OnInkboxEvent('message.received')
      async waits() {
        // runs before `opens` in registration order: finishes only if both run at the same time
        const timeout = new Promise<never>((_r, reject) =>
          setTimeout(() => reject(new Error('handlers ran one by one')), 5000).unref(),
        );
        await Promise.race([g.opened, timeout]);
        ran.push('waits');
      }
      @OnInkboxEvent('message.received')
      opens() {
        g.open();
        ran.push('opens');
      }
    }
    const { app } = await makeHardenApp(kind, { idempotency: false }, { providers: [Handlers] });
    try {
      const port = await listen(app);
      const res = await deliver(port, createInkboxEvent('message.received'));
      expect(res.status).toBe(500);
      expect(String(res.body.message)).toMatch(/Handler Handlers\.fails failed/);
      expect([...ran].sort()).toEqual(['fails', 'opens', 'waits']);
    } finally {
      await app.close();
    }
  });

  it('a redelivery whose other handlers are still running elsewhere gets 409, not processed', async () => {
    const g = gate();
    let failFirst = true;
    @Injectable()
    class Handlers {
      @OnInkboxEvent('message.received')
      quick() {
        if (failFirst) {
          failFirst = false;
          throw new Error('fails on the first delivery');
        }
      }
      @OnInkboxEvent('message.received')
      async slow() {
        g.entered();
        await g.opened;
      }
    }
    const { app, logger } = await makeHardenApp(kind, {}, { providers: [Handlers] });
    try {
      const port = await listen(app);
      const event = createInkboxEvent('message.received');
      const first = deliver(port, event);
      await g.arrived;
      const second = await deliver(port, event);
      expect(second.status).toBe(409);
      expect(rejectionLines(logger).filter((l) => l.includes('with 409'))).toHaveLength(1);
      g.open();
      expect((await first).status).toBe(500);
      expect((await deliver(port, event)).body).toEqual({ outcome: 'duplicate' });
    } finally {
      g.open();
      await app.close();
    }
  });
});

describe.each(APP_KINDS)('an unreachable idempotency store — %s', (kind) => {
  it('answers 503 and logs the rejection once', async () => {
    @Injectable()
    class Handler {
      @OnInkboxEvent('message.received')
      on() {}
    }
    const broken = {
      claim: async () => {
        throw new Error('store down');
      },
      complete: async () => undefined,
      release: async () => undefined,
    };
    const { app, logger } = await makeHardenApp(kind, { idempotency: { store: broken } }, { providers: [Handler] });
    try {
      const port = await listen(app);
      expect((await deliver(port, createInkboxEvent('message.received'))).status).toBe(503);
      expect(rejectionLines(logger).filter((l) => l.includes('with 503'))).toHaveLength(1);
    } finally {
      await app.close();
    }
  });
});

describe.each(APP_KINDS)('event-emitter bridge forwards only well-formed event types — %s', (kind) => {
  it("'message.*' and '**' reach no wildcard listener; '*' handlers still get them", async () => {
    const heard: string[] = [];
    const any: string[] = [];
    @Injectable()
    class Listeners {
      @OnEvent('inkbox.message.*', { suppressErrors: false })
      onMessage(event: InkboxEvent) {
        heard.push(`message.*:${event.event_type}`);
      }
      @OnEvent('inkbox.**', { suppressErrors: false })
      onEverything(event: InkboxEvent) {
        heard.push(`**:${event.event_type}`);
      }
      @OnInkboxEvent('*')
      star(event: InkboxEvent) {
        any.push(event.event_type);
      }
    }
    const { app } = await makeHardenApp(
      kind,
      { emitEvents: true },
      { imports: [EventEmitterModule.forRoot({ wildcard: true })], providers: [Listeners] },
    );
    try {
      const port = await listen(app);
      const base = createInkboxEvent('message.received') as Record<string, unknown>;
      for (const type of [
        'message.*',
        '**',
        'message.received.*',
        'Message.Received',
        'message..received',
        'message',
      ]) {
        expect((await deliver(port, { ...base, id: `evt_${type}`, event_type: type, data: {} })).status).toBe(200);
      }
      expect(heard).toEqual([]);
      expect(any).toEqual([
        'message.*',
        '**',
        'message.received.*',
        'Message.Received',
        'message..received',
        'message',
      ]);
      // a well-formed type still reaches them
      await deliver(port, createInkboxEvent('message.received'));
      expect([...heard].sort()).toEqual(['**:message.received', 'message.*:message.received']);
    } finally {
      await app.close();
    }
  });
});
