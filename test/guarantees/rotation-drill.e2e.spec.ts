import { createInkboxEvent, type InkboxEventPayload } from '../../lib/testing';
import { FIRST, deferred, deliver, startGuaranteeApp, type GuaranteeApp } from './support/guarantee-app';

/**
 * Inkbox's side of a rotation, simulated: `POST /identities/{handle}/signing-key` mints the new key
 * and Inkbox signs with it at once, possibly before the response reaches the app (the gate models
 * that network round trip).
 */
class FakeInkbox {
  private generation = 0;
  constructor(public key: string) {}

  rotate(): { response: Promise<string>; arrive: () => void } {
    const next = `whsec_rotated_${++this.generation}_${Math.random().toString(36).slice(2)}`;
    this.key = next; // immediate cut-over on Inkbox's side
    const gate = deferred<void>();
    return { response: gate.promise.then(() => next), arrive: () => gate.resolve() };
  }
}

/**
 * The app's side: a key ring behind the `signingKey` resolver. While a rotation is under way, a
 * delivery waits for the new key instead of being rejected.
 */
class KeyRing {
  private keys: string[];
  private rotating: Promise<void> | undefined;

  constructor(initial: string) {
    this.keys = [initial];
  }

  /** Deliveries currently waiting for a rotation to finish (observable by the drill). */
  waiting = 0;
  private onWait: (() => void) | undefined;

  readonly resolve = async (): Promise<string[]> => {
    while (this.rotating) {
      this.waiting++;
      this.onWait?.();
      await this.rotating;
      this.waiting--;
    }
    return this.keys;
  };

  /** Resolves once `n` deliveries are waiting on the rotation. */
  waitersReach(n: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.waiting >= n) {
          this.onWait = undefined;
          resolve();
        }
      };
      this.onWait = check;
      check();
    });
  }

  /** Step 2: rotate in Inkbox; the new key is tried first, the old one still accepted. */
  async rotate(call: () => Promise<string>): Promise<string> {
    let fresh = '';
    this.rotating = call().then((key) => {
      fresh = key;
      this.keys = [key, ...this.keys];
    });
    try {
      await this.rotating;
    } finally {
      this.rotating = undefined;
    }
    return fresh;
  }

  /** Step 3: drop the old key (after toleranceSeconds, when nothing signed with it can still be fresh). */
  retire(key: string): void {
    this.keys = this.keys.filter((k) => k !== key);
  }

  get size(): number {
    return this.keys.length;
  }
}

describe('signing-key rotation drill', () => {
  let g: GuaranteeApp;
  let inkbox: FakeInkbox;
  let ring: KeyRing;
  const sent: Array<{ step: string; status: number; id: string }> = [];

  const send = async (step: string, event: InkboxEventPayload<'message.received'>, key = inkbox.key) => {
    const res = await deliver(g.url, event, { key });
    sent.push({ step, status: res.status, id: event.id });
    return res;
  };

  beforeAll(async () => {
    inkbox = new FakeInkbox('whsec_original_key');
    ring = new KeyRing(inkbox.key);
    g = await startGuaranteeApp({ signingKey: ring.resolve });
  });
  afterAll(() => g.close());

  it('never rejects a delivery Inkbox sends, before, during and after the rotation', async () => {
    const oldKey = inkbox.key;
    const e1 = createInkboxEvent('message.received');
    const e2 = createInkboxEvent('message.received');

    // Step 1 — the app accepts the current key.
    expect((await send('1: old key', e1)).status).toBe(200);

    // Step 2 — rotate in Inkbox. Inkbox signs with the new key at once; the app learns it one round trip later.
    const rotation = inkbox.rotate();
    const ringDone = ring.rotate(() => rotation.response);
    const inGap = send('2: new key, before the app has it', e2); // waits in the resolver, not rejected
    const retryInGap = send('2: retry of e1, re-signed with the new key', e1);
    await ring.waitersReach(2); // both deliveries reached the app while it did not have the new key yet
    rotation.arrive();
    const newKey = await ringDone;
    expect(newKey).toBe(inkbox.key);
    expect((await inGap).body).toEqual({ outcome: 'processed' });
    expect((await retryInGap).body).toEqual({ outcome: 'duplicate' });
    expect(ring.size).toBe(2);

    // Still step 2 — both keys accepted: a delivery signed with the old key just before the
    // rotation, arriving late, is accepted too.
    const late = createInkboxEvent('message.received');
    expect((await send('2: signed with the old key before the rotation', late, oldKey)).status).toBe(200);
    const e3 = createInkboxEvent('message.received');
    expect((await send('2: new key', e3)).status).toBe(200);

    // Step 3 — retire the old key.
    ring.retire(oldKey);
    const e4 = createInkboxEvent('message.received');
    expect((await send('3: new key only', e4)).status).toBe(200);
    expect((await send('3: retry of e2', e2)).body).toEqual({ outcome: 'duplicate' });

    expect(sent.filter((d) => d.status !== 200)).toEqual([]);
    for (const event of [e1, e2, e3, e4, late]) expect(g.probe.count(FIRST, event.id)).toBe(1);

    // After step 3 the old key is really gone.
    const forged = await deliver(g.url, createInkboxEvent('message.received'), { key: oldKey });
    expect(forged.status).toBe(401);
  });

  it('for contrast: a plain cut-over (the app learns the new key only later) rejects what Inkbox signs in between', async () => {
    const staticKeys = { keys: ['whsec_cutover_old'] };
    const app = await startGuaranteeApp({ signingKey: () => staticKeys.keys });
    try {
      const signedWithNew = createInkboxEvent('message.received');
      const rejected = await deliver(app.url, signedWithNew, { key: 'whsec_cutover_new' });
      expect(rejected.status).toBe(401); // Inkbox would retry it; nothing is lost, but it was rejected
      staticKeys.keys = ['whsec_cutover_new'];
      expect((await deliver(app.url, signedWithNew, { key: 'whsec_cutover_new' })).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
