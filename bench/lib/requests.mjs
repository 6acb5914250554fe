// Distinct, correctly signed webhook requests of a fixed size, for Inkbox and for Stripe.
//
// Every request carries its own event id, so no server can answer from a cache or as a duplicate.
// The body is a fixed "head" (the whole event but its id) followed by a short "tail" holding the id.
// The HMAC state after the signed prefix and the head is computed once per batch; each signature
// then costs one hash of the tail. `prepare(n)` signs n requests before a measured run, so the
// load generator only assembles bytes while it measures.
import { createHash, randomBytes } from 'node:crypto';

const BLOCK = 64; // SHA-256 block size, for HMAC's inner and outer pads

function pads(keyBytes) {
  const key = keyBytes.length > BLOCK ? createHash('sha256').update(keyBytes).digest() : keyBytes;
  const block = Buffer.alloc(BLOCK);
  key.copy(block);
  const inner = Buffer.alloc(BLOCK);
  const outer = Buffer.alloc(BLOCK);
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = block[i] ^ 0x36;
    outer[i] = block[i] ^ 0x5c;
  }
  return { inner, outer };
}

/** HMAC-SHA256 over `prefix + head + tail`, with everything before the tail hashed once. */
class SplitHmac {
  constructor(keyBytes, prefix, head) {
    const { inner, outer } = pads(keyBytes);
    this.outer = outer;
    this.state = createHash('sha256').update(inner).update(prefix).update(head);
  }
  hex(tail) {
    const innerDigest = this.state.copy().update(tail).digest();
    return createHash('sha256').update(this.outer).update(innerDigest).digest('hex');
  }
}

/**
 * The bytes of a JSON body of exactly `size` bytes up to its last member's value: the event without
 * its `id`, padded at `padPath` with mail-like text, then `,"id":"`. The request adds the id, `"` and `}`.
 */
function bodyHead(event, padPath, size, idLength) {
  const copy = structuredClone(event);
  delete copy.id;
  const parent = padPath.slice(0, -1).reduce((target, key) => target[key], copy);
  const field = padPath.at(-1);
  const tailLength = idLength + 2; // the id, its closing quote, the closing brace
  const lengthWith = (text) => {
    parent[field] = text;
    return Buffer.byteLength(JSON.stringify(copy)) - 1 + ',"id":"'.length + tailLength;
  };
  const bare = lengthWith('');
  if (bare > size) throw new Error(`A ${size}-byte body is too small for this event (${bare} bytes without padding).`);
  // ASCII words and line breaks, as a long plain-text mail body; JSON writes each line break as two
  // characters, so the text is cut until the body has the exact size, then topped up with dots
  const words = 'Thanks for the quick reply. Here are the details of the order you asked about, line by line.\n';
  let text = words.repeat(Math.ceil((size - bare) / words.length) + 1).slice(0, size - bare);
  while (lengthWith(text) > size) text = text.slice(0, text.length - (lengthWith(text) - size));
  text += '.'.repeat(size - lengthWith(text));
  lengthWith(text);
  const head = Buffer.from(`${JSON.stringify(copy).slice(0, -1)},"id":"`, 'utf8');
  if (head.length + tailLength !== size) throw new Error(`body size ${head.length + tailLength} != ${size}`);
  return head;
}

let batchCounter = 0;

/**
 * A source of signed requests for one provider and body size.
 * `kind`: 'inkbox' (X-Inkbox-* headers, key without `whsec_`) or 'stripe' (Stripe-Signature, whole secret).
 */
export class SignedRequestSource {
  constructor({ kind, size, secret, inkboxEvent }) {
    this.kind = kind;
    this.size = size;
    this.secret = secret;
    this.idPrefix = randomBytes(4).toString('hex'); // distinct between sources in one run
    this.idLength = 4 + 8 + 16; // "evt_" + prefix + counter
    this.counter = 0;
    this.pool = [];
    this.poolStart = 0;
    this.poolIndex = 0;
    this.liveSigned = 0;
    if (kind === 'inkbox') {
      this.head = bodyHead(inkboxEvent, ['data', 'message', 'body'], size, this.idLength);
    } else {
      this.head = bodyHead(stripeEvent(), ['data', 'object', 'description'], size, this.idLength);
    }
    this.newBatch();
  }

  /** A new signing batch: fresh timestamp (and request id for Inkbox). */
  newBatch() {
    this.timestamp = Math.floor(Date.now() / 1000);
    if (this.kind === 'inkbox') {
      this.requestId = `req_bench_${process.pid}_${++batchCounter}`;
      const keyBytes = Buffer.from(this.secret.replace(/^whsec_/, ''), 'utf8');
      this.hmac = new SplitHmac(keyBytes, Buffer.from(`${this.requestId}.${this.timestamp}.`), this.head);
    } else {
      this.hmac = new SplitHmac(Buffer.from(this.secret, 'utf8'), Buffer.from(`${this.timestamp}.`), this.head);
    }
  }

  tailFor(n) {
    return Buffer.from(`evt_${this.idPrefix}${n.toString(16).padStart(16, '0')}"}`, 'utf8');
  }

  headersFor(signature) {
    return this.kind === 'inkbox'
      ? {
          'Content-Type': 'application/json',
          'X-Inkbox-Request-ID': this.requestId,
          'X-Inkbox-Timestamp': String(this.timestamp),
          'X-Inkbox-Signature': `sha256=${signature}`,
        }
      : { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${this.timestamp},v1=${signature}` };
  }

  /** Signs `count` requests now (fresh timestamp), to be sent by the next run; keeps only their signatures. */
  prepare(count) {
    this.newBatch();
    this.poolStart = this.counter;
    this.pool = new Array(count);
    for (let i = 0; i < count; i++) this.pool[i] = this.hmac.hex(this.tailFor(this.counter++));
    this.poolIndex = 0;
    this.liveSigned = 0;
  }

  /** The next request: a prepared one, or one signed now when the prepared ones ran out. */
  next() {
    let tail;
    let signature;
    if (this.poolIndex < this.pool.length) {
      tail = this.tailFor(this.poolStart + this.poolIndex);
      signature = this.pool[this.poolIndex++];
    } else {
      tail = this.tailFor(this.counter++);
      signature = this.hmac.hex(tail);
      this.liveSigned++;
    }
    return { headers: this.headersFor(signature), body: Buffer.concat([this.head, tail], this.size) };
  }
}

/** A Stripe `payment_intent.succeeded` event of the usual shape (test mode, no Connect account). */
function stripeEvent() {
  const now = Math.floor(Date.now() / 1000);
  return {
    id: 'evt_placeholder',
    object: 'event',
    api_version: '2025-12-15.clover',
    created: now,
    data: {
      object: {
        id: 'pi_3QbenchA1b2C3d4E5f6G7h8',
        object: 'payment_intent',
        amount: 2000,
        amount_received: 2000,
        currency: 'usd',
        customer: 'cus_bench0001',
        description: '',
        latest_charge: 'ch_3QbenchA1b2C3d4E5f6G7h8',
        livemode: false,
        metadata: { order_id: '6735' },
        payment_method: 'pm_1QbenchCard',
        payment_method_types: ['card'],
        receipt_email: 'customer@example.com',
        status: 'succeeded',
        created: now,
      },
    },
    livemode: false,
    pending_webhooks: 1,
    request: { id: 'req_bench', idempotency_key: 'bench-key' },
    type: 'payment_intent.succeeded',
  };
}
