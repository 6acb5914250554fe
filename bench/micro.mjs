// Micro-benchmarks, run in their own process by run.mjs (argument: a JSON config):
//   verifyInkboxSignature vs a bare createHmac + timingSafeEqual on the same bytes (2 KiB and 256 KiB),
//   the cost of a key list of 1, 10 and 100 keys with the matching key last,
//   parseInkboxEvent (compiled validation) vs the class-transformer + class-validator path,
//   the live memory of one event remembered by the default in-memory idempotency store.
// Each measurement alternates its contenders in short blocks and keeps the median block.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import { SignedRequestSource } from './lib/requests.mjs';
import { compare as compareTimed } from './lib/timing.mjs';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { verifyInkboxSignature, parseInkboxEvent } = require('nestjs-inkbox');
const { createInkboxEvent } = require('nestjs-inkbox/testing');
const { parseInkboxEventWithClassValidator } = require('nestjs-inkbox/dist/cjs/events/inkbox-event.parser.js');

const config = JSON.parse(process.argv[2] ?? '{}');
const ROUNDS = config.rounds ?? 7;
const BLOCK_MS = config.blockMs ?? 60;
const KEY = config.inkboxKey ?? 'whsec_bench';

const compare = (contenders) => compareTimed(contenders, { rounds: ROUNDS, blockMs: BLOCK_MS });

function signedInkbox(size) {
  const source = new SignedRequestSource({
    kind: 'inkbox',
    size,
    secret: KEY,
    inkboxEvent: createInkboxEvent('message.received'),
  });
  const { headers, body } = source.next();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { headers: lower, body, requestId: source.requestId, timestamp: source.timestamp };
}

const out = { verify: {}, keys: {}, parse: {} };
let sink = 0; // results feed this, so that no call can be optimised away
const keyBytes = Buffer.from(KEY.replace(/^whsec_/, ''), 'utf8');

for (const [label, size] of [
  ['2 KiB', 2048],
  ['256 KiB', 262144],
]) {
  const d = signedInkbox(size);
  const prefix = Buffer.from(`${d.requestId}.${d.timestamp}.`, 'utf8');
  const check = verifyInkboxSignature({ rawBody: d.body, headers: d.headers, signingKey: KEY });
  if (!check.ok) throw new Error(`micro: the generated delivery does not verify (${check.reason})`);
  const expected = createHmac('sha256', keyBytes).update(prefix).update(d.body).digest();
  const r = compare({
    // the bare check a hand-written route does: key bytes prepared once, HMAC, constant-time compare
    createHmac: () => {
      sink ^= timingSafeEqual(createHmac('sha256', keyBytes).update(prefix).update(d.body).digest(), expected) ? 1 : 0;
    },
    verifyInkboxSignature: () => {
      sink ^= verifyInkboxSignature({ rawBody: d.body, headers: d.headers, signingKey: KEY }).ok ? 1 : 0;
    },
  });
  out.verify[label] = {
    createHmacNs: r.createHmac,
    verifyNs: r.verifyInkboxSignature,
    ratio: r.verifyInkboxSignature / r.createHmac,
  };

  const keyCases = {};
  for (const count of [1, 10, 100]) {
    const keys = [...Array.from({ length: count - 1 }, (_, i) => `whsec_other_key_${i}`), KEY];
    keyCases[`${count}`] = () => {
      const result = verifyInkboxSignature({ rawBody: d.body, headers: d.headers, signingKey: keys });
      if (!result.ok || result.keyIndex !== count - 1) throw new Error('micro: key list check failed');
    };
  }
  const k = compare(keyCases);
  out.keys[label] = Object.fromEntries(
    Object.entries(k).map(([count, ns]) => [count, { ns, perKeyNs: ns / Number(count), vsOneKey: ns / k['1'] }]),
  );

  const text = d.body;
  // first as a server runs it: the fast path alone, before the class-validator path has run in
  // this process (that path shares class-validator's functions and would widen their type feedback)
  const clean =
    label === '2 KiB'
      ? compare({ compiled: () => parseInkboxEvent(text), jsonParseOnly: () => JSON.parse(text.toString('utf8')) })
      : undefined;
  const fast = parseInkboxEvent(text);
  const reference = parseInkboxEventWithClassValidator(text);
  if (JSON.stringify(fast) !== JSON.stringify(reference) || fast.constructor !== reference.constructor)
    throw new Error('micro: the two parse paths differ');
  const p = compare({
    classValidator: () => parseInkboxEventWithClassValidator(text),
    compiled: () => parseInkboxEvent(text),
    jsonParseOnly: () => JSON.parse(text.toString('utf8')),
  });
  out.parse[label] = {
    classValidatorNs: p.classValidator,
    compiledNs: p.compiled,
    jsonParseNs: p.jsonParseOnly,
    speedup: p.classValidator / p.compiled,
    ...(clean ? { cleanCompiledNs: clean.compiled, cleanJsonParseNs: clean.jsonParseOnly } : {}),
  };
}

// The in-memory idempotency store: live heap per remembered event (one handler), after a full GC,
// beside the store's own estimate (what idempotency.maxBytes bounds).
if (typeof global.gc === 'function') {
  const { InkboxMemoryStore } = require('nestjs-inkbox/dist/cjs/idempotency/inkbox-memory.store.js');
  const count = config.storeEvents ?? 50000;
  const options = { leaseMs: 60_000, ttlMs: 72 * 3600 * 1000 };
  // the keys are made before the first measurement: they are the events' own ids, held by the store
  // only as long as it remembers them, so they are counted
  // heap plus array buffers: the store's slots are typed arrays, whose bytes live outside the JS heap
  const live = () => {
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  global.gc();
  const before = live();
  const store = new InkboxMemoryStore(count);
  for (let i = 0; i < count; i++) {
    const key = `evt_${i.toString(16).padStart(24, '0')}`;
    const claim = await store.claim(key, ['BenchHandler.onEvent'], options);
    await store.complete(key, 'BenchHandler.onEvent', claim.token, options);
  }
  global.gc();
  out.store = {
    events: count,
    bytesPerEvent: (live() - before) / count,
    estimatedBytesPerEvent: store.bytes / count,
    size: store.size,
    keyLength: 28,
  };
}

out.sink = sink & 1;
process.stdout.write(`${JSON.stringify(out)}\n`);
