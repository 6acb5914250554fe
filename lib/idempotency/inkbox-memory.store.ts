import type {
  InkboxClaimOptions,
  InkboxClaimResult,
  InkboxIdempotencyStore,
} from './inkbox-idempotency-store.interface.js';

/** A handler in flight for an event: who holds it and until when. */
interface Lease {
  readonly id: string;
  readonly token: string;
  readonly until: number;
}

/** Bytes of one slot: expiry (8), done mask (4), older and newer links (4 + 4), key pointer (4), free-list entry (4). */
const SLOT_BYTES = 28;
/** Bytes of one entry of the key → slot map (key, value and chain words, bucket share, spare capacity after doubling; measured). */
const MAP_ENTRY_BYTES = 48;
/** Bytes of a string's header on the heap. */
const STRING_HEADER_BYTES = 16;
/** Bytes counted per completed handler beyond the 32 a slot's mask holds. */
const OVERFLOW_BYTES = 16;
/** Handlers a slot's bit mask holds; more are listed beside it. */
const MASK_HANDLERS = 32;
const NONE = -1;
const INITIAL_SLOTS = 1024;

/** The heap bytes of a key string, as counted against `maxBytes`. */
function keyBytes(key: string): number {
  // one byte per character when every one fits in Latin-1, else two

  return STRING_HEADER_BYTES + (/[^\u0000-\u00ff]/.test(key) ? 2 * key.length : key.length);
}

/**
 * The default store: one process, bounded in entries, in bytes (the event changed longest ago is
 * dropped first) and in time (TTL from the event's last change). Every operation is O(1) in the
 * number of events remembered. An event costs one map entry (its key string → a slot number) and
 * one slot of typed arrays: its expiry, a bit mask of the handlers that completed (handler ids are
 * numbered once per store), and the links of the list ordered by last change. About 130 bytes per
 * remembered event with an `evt_…` key (measured: heap plus array buffers), whatever the number of handlers (up to 32; more are listed
 * beside the mask). Expired events are dropped as new claims arrive, with no timers. Leases of
 * handlers in flight live in a side map while they run and are not counted in `maxBytes`.
 */
export class InkboxMemoryStore implements InkboxIdempotencyStore {
  private readonly slots = new Map<string, number>();
  private keys: string[] = [];
  private expires = new Float64Array(0);
  private masks = new Uint32Array(0);
  private older = new Int32Array(0);
  private newer = new Int32Array(0);
  private capacity = 0;
  private freeSlots: number[] = [];
  private oldest = NONE;
  private newest = NONE;
  private tokens = 0;
  private keyBytesTotal = 0;
  private readonly leases = new Map<number, Lease[]>();
  /** Completed handlers beyond the first 32 numbered, per slot. */
  private readonly overflow = new Map<number, string[]>();
  private overflowCount = 0;
  private readonly handlerBits = new Map<string, number>();

  /**
   * @param maxEntries events remembered at most
   * @param clock milliseconds since the epoch (tests pass their own)
   * @param maxBytes estimated heap bytes at most (keys, map entries, slots); default: no byte bound
   */
  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
    private readonly maxBytes: number = Number.POSITIVE_INFINITY,
  ) {}

  /** Events currently remembered. */
  get size(): number {
    return this.slots.size;
  }

  /** Estimated heap bytes held for the remembered events (what `maxBytes` bounds). */
  get bytes(): number {
    return (
      this.capacity * SLOT_BYTES +
      this.slots.size * MAP_ENTRY_BYTES +
      this.keyBytesTotal +
      this.overflowCount * OVERFLOW_BYTES
    );
  }

  async claim(
    eventKey: string,
    handlerIds: readonly string[],
    options: InkboxClaimOptions,
  ): Promise<InkboxClaimResult> {
    const now = this.clock();
    this.sweep(now);
    let slot = this.live(eventKey, now);
    const token = `m${++this.tokens}`;
    const run: string[] = [];
    const done: string[] = [];
    const busy: string[] = [];
    const leases = slot === NONE ? undefined : this.leases.get(slot);
    for (const id of handlerIds) {
      if (slot !== NONE && this.isDone(slot, id)) done.push(id);
      else if (leases?.some((l) => l.id === id && l.until > now)) busy.push(id);
      else run.push(id);
    }
    if (run.length > 0) {
      if (slot === NONE) slot = this.create(eventKey);
      const until = now + options.leaseMs;
      const kept = leases ? leases.filter((l) => !run.includes(l.id)) : [];
      for (const id of run) kept.push({ id, token, until });
      this.leases.set(slot, kept);
      slot = this.touch(slot, now, options.ttlMs);
    }
    return { run, done, busy, token };
  }

  async complete(eventKey: string, handlerId: string, _token: string, options: InkboxClaimOptions): Promise<void> {
    const now = this.clock();
    let slot = this.live(eventKey, now);
    if (slot === NONE) slot = this.create(eventKey);
    this.dropLease(slot, (l) => l.id === handlerId);
    this.markDone(slot, handlerId);
    this.touch(slot, now, options.ttlMs);
  }

  async release(eventKey: string, handlerId: string, token: string): Promise<void> {
    const slot = this.slots.get(eventKey);
    if (slot !== undefined) this.dropLease(slot, (l) => l.id === handlerId && l.token === token);
  }

  private dropLease(slot: number, matches: (lease: Lease) => boolean): void {
    const leases = this.leases.get(slot);
    if (!leases) return;
    const rest = leases.filter((l) => !matches(l));
    if (rest.length > 0) this.leases.set(slot, rest);
    else this.leases.delete(slot);
  }

  /** The bit of a handler id in the masks (ids are numbered in order of first use), or -1 past 32. */
  private bitOf(handlerId: string): number {
    let bit = this.handlerBits.get(handlerId);
    if (bit === undefined) {
      bit = this.handlerBits.size < MASK_HANDLERS ? this.handlerBits.size : NONE;
      if (bit !== NONE) this.handlerBits.set(handlerId, bit);
    }
    return bit;
  }

  private isDone(slot: number, handlerId: string): boolean {
    const bit = this.handlerBits.get(handlerId);
    if (bit !== undefined) return (this.masks[slot]! & (1 << bit)) !== 0;
    return this.overflow.get(slot)?.includes(handlerId) ?? false;
  }

  private markDone(slot: number, handlerId: string): void {
    const bit = this.bitOf(handlerId);
    if (bit !== NONE) {
      this.masks[slot] = this.masks[slot]! | (1 << bit);
      return;
    }
    const list = this.overflow.get(slot);
    if (list?.includes(handlerId)) return;
    if (list) list.push(handlerId);
    else this.overflow.set(slot, [handlerId]);
    this.overflowCount++;
  }

  /** The slot of a key unless it has expired (an expired one is dropped); NONE when absent. */
  private live(eventKey: string, now: number): number {
    const slot = this.slots.get(eventKey);
    if (slot === undefined) return NONE;
    if (this.expires[slot]! <= now) {
      this.remove(slot);
      return NONE;
    }
    return slot;
  }

  private create(key: string): number {
    if (this.freeSlots.length === 0) this.grow();
    if (this.freeSlots.length === 0 && this.oldest !== NONE) this.remove(this.oldest); // at the bound: reuse the oldest
    const slot = this.freeSlots.pop()!;
    this.slots.set(key, slot);
    this.keys[slot] = key;
    this.keyBytesTotal += keyBytes(key);
    this.masks[slot] = 0;
    this.expires[slot] = 0;
    this.older[slot] = NONE;
    this.newer[slot] = NONE;
    return slot;
  }

  /**
   * Doubles the slots, up to what the bounds can ever use: maxEntries, or as many entries as fit in
   * maxBytes at the least an entry costs (plus one being added before the bound is applied).
   */
  private grow(): void {
    const byBytes = Math.floor(this.maxBytes / (SLOT_BYTES + MAP_ENTRY_BYTES + STRING_HEADER_BYTES));
    const limit = Math.max(1, Math.min(this.maxEntries, byBytes) + 1);
    const capacity = Math.min(limit, Math.max(INITIAL_SLOTS, this.capacity * 2));
    if (capacity <= this.capacity) return;
    const copy = <T extends Float64Array | Uint32Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.expires = copy(this.expires, new Float64Array(capacity));
    this.masks = copy(this.masks, new Uint32Array(capacity));
    this.older = copy(this.older, new Int32Array(capacity));
    this.newer = copy(this.newer, new Int32Array(capacity));
    this.keys.length = capacity;
    for (let slot = capacity - 1; slot >= this.capacity; slot--) this.freeSlots.push(slot);
    this.capacity = capacity;
  }

  /**
   * Renews the TTL, moves the slot to the young end of the list, and bounds the size in entries
   * and in bytes; returns the slot, or NONE when it was itself dropped by the byte bound.
   */
  private touch(slot: number, now: number, ttlMs: number): number {
    this.expires[slot] = now + ttlMs;
    if (this.newest !== slot) {
      this.unlink(slot);
      this.older[slot] = this.newest;
      if (this.newest !== NONE) this.newer[this.newest] = slot;
      this.newest = slot;
      if (this.oldest === NONE) this.oldest = slot;
    }
    while (this.oldest !== NONE && (this.slots.size > this.maxEntries || this.bytes > this.maxBytes)) {
      const dropped = this.oldest;
      this.remove(dropped);
      if (dropped === slot) return NONE;
    }
    return slot;
  }

  /** Drops expired slots from the old end; stops at the first live one. */
  private sweep(now: number): void {
    while (this.oldest !== NONE && this.expires[this.oldest]! <= now) this.remove(this.oldest);
  }

  private remove(slot: number): void {
    this.unlink(slot);
    const key = this.keys[slot]!;
    this.slots.delete(key);
    this.keyBytesTotal -= keyBytes(key);
    this.keys[slot] = '';
    this.leases.delete(slot);
    const extra = this.overflow.get(slot);
    if (extra) {
      this.overflowCount -= extra.length;
      this.overflow.delete(slot);
    }
    this.freeSlots.push(slot);
  }

  private unlink(slot: number): void {
    const older = this.older[slot]!;
    const newer = this.newer[slot]!;
    if (older !== NONE) this.newer[older] = newer;
    else if (this.oldest === slot) this.oldest = newer;
    if (newer !== NONE) this.older[newer] = older;
    else if (this.newest === slot) this.newest = older;
    this.older[slot] = NONE;
    this.newer[slot] = NONE;
  }
}
