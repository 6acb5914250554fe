'use strict';
// Feeds a million events through the in-memory store (default bound: 100 000 entries) and reports
// the retained heap as it goes: it must stay flat once the bound is reached.
// Run with --expose-gc. Environment: INKBOX_LIB (path of the built index.js), EVENTS, MAX_ENTRIES.
const lib = require(process.env.INKBOX_LIB);

async function main() {
  const events = Number(process.env.EVENTS || 1_000_000);
  const maxEntries = Number(process.env.MAX_ENTRIES || 100_000);
  const checkpoints = new Set([maxEntries, 2 * maxEntries, Math.floor(events / 2), events]);
  const store = new lib.InkboxMemoryStore(maxEntries);
  const options = { leaseMs: 60_000, ttlMs: 72 * 3600 * 1000 };
  const handlers = ['LoadHandlers.received', 'LoadHandlers.any'];
  global.gc();
  const base = process.memoryUsage().heapUsed;
  const samples = [];
  for (let i = 1; i <= events; i++) {
    const key = `evt_${i.toString(16).padStart(32, '0')}`;
    const claim = await store.claim(key, handlers, options);
    for (const id of claim.run) await store.complete(key, id, claim.token, options);
    if (checkpoints.has(i)) {
      global.gc();
      samples.push({ events: i, size: store.size, retainedBytes: process.memoryUsage().heapUsed - base });
    }
  }
  // The newest event is still remembered; one pushed out by the bound is not.
  const newest = await store.claim(`evt_${events.toString(16).padStart(32, '0')}`, handlers, options);
  const evicted = await store.claim(`evt_${(1).toString(16).padStart(32, '0')}`, handlers, options);
  process.stdout.write(
    JSON.stringify({
      maxEntries,
      samples,
      newestIsDuplicate: newest.run.length === 0,
      oldestWasForgotten: evicted.run.length === handlers.length,
    }) + '\n',
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
