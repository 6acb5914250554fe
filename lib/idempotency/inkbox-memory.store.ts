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

/** What is remembered about one event; also a node of the age list (oldest change first). */
interface Entry {
  readonly key: string;
  /** Handlers that completed (ids are the explorer's shared strings, so this costs a pointer each). */
  done: string[] | null;
  /** Handlers in flight; usually null. */
  leases: Lease[] | null;
  expiresAt: number;
  older: Entry | null;
  newer: Entry | null;
}

/**
 * The default store: one process, bounded in entries (the event changed longest ago is dropped
 * first) and in time (TTL from the event's last change). Every operation is O(1) in the number of
 * events remembered (a hash map plus a list ordered by last change); expired events are dropped as
 * new claims arrive, with no timers. About 200 bytes per remembered event with two handlers.
 */
export class InkboxMemoryStore implements InkboxIdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
  private tokens = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Events currently remembered. */
  get size(): number {
    return this.entries.size;
  }

  async claim(eventKey: string, handlerIds: readonly string[], options: InkboxClaimOptions): Promise<InkboxClaimResult> {
    const now = this.clock();
    this.sweep(now);
    let entry = this.live(eventKey, now);
    const token = `m${++this.tokens}`;
    const run: string[] = [];
    const done: string[] = [];
    const busy: string[] = [];
    for (const id of handlerIds) {
      if (entry?.done?.includes(id)) done.push(id);
      else if (entry?.leases?.some((l) => l.id === id && l.until > now)) busy.push(id);
      else run.push(id);
    }
    if (run.length > 0) {
      entry ??= this.create(eventKey);
      const until = now + options.leaseMs;
      const kept = entry.leases?.filter((l) => !run.includes(l.id)) ?? [];
      for (const id of run) kept.push({ id, token, until });
      entry.leases = kept;
      this.touch(entry, now, options.ttlMs);
    }
    return { run, done, busy, token };
  }

  async complete(eventKey: string, handlerId: string, _token: string, options: InkboxClaimOptions): Promise<void> {
    const now = this.clock();
    const entry = this.live(eventKey, now) ?? this.create(eventKey);
    if (entry.leases) {
      const rest = entry.leases.filter((l) => l.id !== handlerId);
      entry.leases = rest.length > 0 ? rest : null;
    }
    if (!entry.done) entry.done = [handlerId];
    else if (!entry.done.includes(handlerId)) entry.done = entry.done.concat(handlerId); // exact size, no spare capacity
    this.touch(entry, now, options.ttlMs);
  }

  async release(eventKey: string, handlerId: string, token: string): Promise<void> {
    const entry = this.entries.get(eventKey);
    if (!entry?.leases) return;
    const rest = entry.leases.filter((l) => !(l.id === handlerId && l.token === token));
    entry.leases = rest.length > 0 ? rest : null;
  }

  /** The entry of a key unless it has expired (an expired one is dropped). */
  private live(eventKey: string, now: number): Entry | undefined {
    const entry = this.entries.get(eventKey);
    if (entry && entry.expiresAt <= now) {
      this.remove(entry);
      return undefined;
    }
    return entry;
  }

  private create(key: string): Entry {
    const entry: Entry = { key, done: null, leases: null, expiresAt: 0, older: null, newer: null };
    this.entries.set(key, entry);
    return entry;
  }

  /** Renews the TTL, moves the entry to the young end of the list, and bounds the size. */
  private touch(entry: Entry, now: number, ttlMs: number): void {
    entry.expiresAt = now + ttlMs;
    if (this.newest !== entry) {
      this.unlink(entry);
      entry.older = this.newest;
      if (this.newest) this.newest.newer = entry;
      this.newest = entry;
      if (!this.oldest) this.oldest = entry;
    }
    while (this.entries.size > this.maxEntries && this.oldest) this.remove(this.oldest);
  }

  /** Drops expired entries from the old end; stops at the first live one. */
  private sweep(now: number): void {
    while (this.oldest && this.oldest.expiresAt <= now) this.remove(this.oldest);
  }

  private remove(entry: Entry): void {
    this.unlink(entry);
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
  }

  private unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else if (this.oldest === entry) this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else if (this.newest === entry) this.newest = entry.older;
    entry.older = null;
    entry.newer = null;
  }
}
