import { InkboxMemoryStore } from './inkbox-memory.store';

const OPTS = { leaseMs: 1_000, ttlMs: 10_000 };

function storeWithClock(maxEntries = 100) {
  const clock = { now: 1_000_000 };
  return { store: new InkboxMemoryStore(maxEntries, () => clock.now), clock };
}

describe('InkboxMemoryStore', () => {
  it('leases free handlers, reports busy ones, and never hands out a completed one again', async () => {
    const { store } = storeWithClock();
    const first = await store.claim('evt_1', ['A', 'B'], OPTS);
    expect(first).toMatchObject({ run: ['A', 'B'], done: [], busy: [] });
    const second = await store.claim('evt_1', ['A', 'B', 'C'], OPTS);
    expect(second).toMatchObject({ run: ['C'], done: [], busy: ['A', 'B'] });
    expect(second.token).not.toBe(first.token);
    await store.complete('evt_1', 'A', first.token, OPTS);
    await store.release('evt_1', 'B', first.token);
    const third = await store.claim('evt_1', ['A', 'B', 'C'], OPTS);
    expect(third).toMatchObject({ run: ['B'], done: ['A'], busy: ['C'] });
  });

  it('ignores a release by a token that does not hold the lease', async () => {
    const { store } = storeWithClock();
    const first = await store.claim('evt_1', ['A'], OPTS);
    await store.release('evt_1', 'A', 'someone-else');
    expect((await store.claim('evt_1', ['A'], OPTS)).busy).toEqual(['A']);
    await store.release('evt_1', 'A', first.token);
    expect((await store.claim('evt_1', ['A'], OPTS)).run).toEqual(['A']);
  });

  it('lets a claim take over a lease once it has expired; the old holder can no longer release it', async () => {
    const { store, clock } = storeWithClock();
    const crashed = await store.claim('evt_1', ['A'], OPTS);
    clock.now += OPTS.leaseMs - 1;
    expect((await store.claim('evt_1', ['A'], OPTS)).busy).toEqual(['A']);
    clock.now += 1;
    const takeover = await store.claim('evt_1', ['A'], OPTS);
    expect(takeover.run).toEqual(['A']);
    await store.release('evt_1', 'A', crashed.token);
    expect((await store.claim('evt_1', ['A'], OPTS)).busy).toEqual(['A']);
  });

  it('records a completion even after the lease was taken over (the handler did succeed)', async () => {
    const { store, clock } = storeWithClock();
    const slow = await store.claim('evt_1', ['A'], OPTS);
    clock.now += OPTS.leaseMs;
    await store.claim('evt_1', ['A'], OPTS);
    await store.complete('evt_1', 'A', slow.token, OPTS);
    expect((await store.claim('evt_1', ['A'], OPTS)).done).toEqual(['A']);
  });

  it('forgets an event ttlMs after its last change', async () => {
    const { store, clock } = storeWithClock();
    const claim = await store.claim('evt_1', ['A'], OPTS);
    clock.now += 5_000;
    await store.complete('evt_1', 'A', claim.token, OPTS); // renews: expires at +15 000
    clock.now += 9_999;
    expect((await store.claim('evt_1', ['A'], OPTS)).done).toEqual(['A']);
    clock.now += 1;
    expect((await store.claim('evt_1', ['A'], OPTS)).run).toEqual(['A']);
  });

  it('drops expired events as new claims arrive', async () => {
    const { store, clock } = storeWithClock();
    for (let i = 0; i < 50; i++) await store.claim(`evt_${i}`, ['A'], OPTS);
    expect(store.size).toBe(50);
    clock.now += OPTS.ttlMs;
    await store.claim('evt_new', ['A'], OPTS);
    expect(store.size).toBe(1);
  });

  it('holds at most maxEntries events, dropping the one changed longest ago', async () => {
    const { store } = storeWithClock(3);
    for (const key of ['e1', 'e2', 'e3']) {
      const c = await store.claim(key, ['A'], OPTS);
      await store.complete(key, 'A', c.token, OPTS);
    }
    await store.complete('e1', 'A', 'x', OPTS); // e1 becomes the youngest
    const c4 = await store.claim('e4', ['A'], OPTS); // e2 is dropped
    expect(store.size).toBe(3);
    expect((await store.claim('e1', ['A'], OPTS)).done).toEqual(['A']);
    expect((await store.claim('e3', ['A'], OPTS)).done).toEqual(['A']);
    expect((await store.claim('e4', ['A'], OPTS)).busy).toEqual(['A']);
    await store.complete('e4', 'A', c4.token, OPTS);
    expect((await store.claim('e2', ['A'], OPTS)).run).toEqual(['A']);
    expect(store.size).toBe(3);
  });

  it('stays at maxEntries through 200 000 events', async () => {
    const store = new InkboxMemoryStore(10_000);
    for (let i = 0; i < 200_000; i++) {
      const key = `evt_${i}`;
      const claim = await store.claim(key, ['A', 'B'], OPTS);
      await store.complete(key, 'A', claim.token, OPTS);
      await store.complete(key, 'B', claim.token, OPTS);
      if (i % 50_000 === 49_999) expect(store.size).toBe(10_000);
    }
    expect((await store.claim('evt_199999', ['A', 'B'], OPTS)).done).toEqual(['A', 'B']);
    expect((await store.claim('evt_189999', ['A'], OPTS)).run).toEqual(['A']);
  });

  it('holds at most maxBytes (estimated), dropping the events changed longest ago, and says how much it holds', async () => {
    const maxBytes = 64 * 1024;
    const store = new InkboxMemoryStore(1_000_000, Date.now, maxBytes);
    let previous = 0;
    for (let i = 0; i < 5_000; i++) {
      const key = `evt_${i.toString(16).padStart(24, '0')}`;
      const claim = await store.claim(key, ['A'], OPTS);
      await store.complete(key, 'A', claim.token, OPTS);
      expect(store.bytes).toBeLessThanOrEqual(maxBytes);
      if (i === 100) previous = store.size;
    }
    // full: far fewer than the entry bound, and the youngest events are the ones kept
    expect(store.size).toBeGreaterThan(previous);
    expect(store.size).toBeLessThan(1_000);
    expect(store.bytes).toBeGreaterThan(maxBytes * 0.9);
    expect((await store.claim(`evt_${(4_999).toString(16).padStart(24, '0')}`, ['A'], OPTS)).done).toEqual(['A']);
    expect((await store.claim(`evt_${(0).toString(16).padStart(24, '0')}`, ['A'], OPTS)).run).toEqual(['A']);
  });

  it('counts long keys by their length against maxBytes', async () => {
    const short = new InkboxMemoryStore(1_000_000, Date.now, 32 * 1024);
    const long = new InkboxMemoryStore(1_000_000, Date.now, 32 * 1024);
    for (let i = 0; i < 5_000; i++) {
      await short.complete(`evt_${i}`, 'A', 't', OPTS);
      await long.complete(`evt_${i}_${'x'.repeat(200)}`, 'A', 't', OPTS);
    }
    expect(long.bytes).toBeLessThanOrEqual(32 * 1024);
    expect(long.size).toBeLessThan(short.size / 2);
    expect((await long.claim(`evt_4999_${'x'.repeat(200)}`, ['A'], OPTS)).done).toEqual(['A']);
  });

  it('handles an event whose key alone is over maxBytes, without remembering it (never more than the bound)', async () => {
    const store = new InkboxMemoryStore(100, Date.now, 600);
    const key = `evt_${'y'.repeat(1_000)}`;
    const claim = await store.claim(key, ['A'], OPTS);
    expect(claim.run).toEqual(['A']);
    expect(store.bytes).toBeLessThanOrEqual(600);
    await store.complete(key, 'A', claim.token, OPTS);
    expect(store.size).toBe(0);
    const small = await store.claim('evt_1', ['A'], OPTS);
    await store.complete('evt_1', 'A', small.token, OPTS);
    expect((await store.claim('evt_1', ['A'], OPTS)).done).toEqual(['A']);
  });

  it('remembers more than 32 distinct handlers per event', async () => {
    const { store } = storeWithClock();
    const ids = Array.from({ length: 40 }, (_, i) => `Handler${i}.on`);
    const claim = await store.claim('evt_1', ids, OPTS);
    expect(claim.run).toEqual(ids);
    for (const id of ids.slice(0, 35)) await store.complete('evt_1', id, claim.token, OPTS);
    await store.release('evt_1', ids[39]!, claim.token);
    const again = await store.claim('evt_1', ids, OPTS);
    expect(again.done).toEqual(ids.slice(0, 35));
    expect(again.busy).toEqual(ids.slice(35, 39));
    expect(again.run).toEqual([ids[39]]);
    expect((await store.claim('evt_2', ids, OPTS)).run).toEqual(ids);
  });
});
