import { randomUUID } from 'node:crypto';
import type {
  InkboxClaimOptions,
  InkboxClaimResult,
  InkboxIdempotencyStore,
} from '../interfaces/inkbox-idempotency-store.interface.js';

type HandlerState = { readonly done: true } | { readonly done: false; readonly token: string; readonly until: number };

interface EventRecord {
  readonly handlers: Map<string, HandlerState>;
  expiresAt: number;
}

const DONE: HandlerState = { done: true };

/**
 * The default store: one process, bounded in entries (oldest dropped first) and in time (TTL from
 * the event's last change). Expired records are dropped as new claims arrive; no timers.
 */
export class InkboxMemoryStore implements InkboxIdempotencyStore {
  private readonly records = new Map<string, EventRecord>();

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Events currently remembered. */
  get size(): number {
    return this.records.size;
  }

  async claim(eventKey: string, handlerIds: readonly string[], options: InkboxClaimOptions): Promise<InkboxClaimResult> {
    const now = this.clock();
    this.sweep(now);
    let record = this.records.get(eventKey);
    if (record && record.expiresAt <= now) {
      this.records.delete(eventKey);
      record = undefined;
    }
    const token = randomUUID();
    const run: string[] = [];
    const done: string[] = [];
    const busy: string[] = [];
    if (!record) record = { handlers: new Map(), expiresAt: 0 };
    for (const id of handlerIds) {
      const state = record.handlers.get(id);
      if (state?.done) done.push(id);
      else if (state && state.until > now) busy.push(id);
      else {
        record.handlers.set(id, { done: false, token, until: now + options.leaseMs });
        run.push(id);
      }
    }
    if (run.length > 0) this.touch(eventKey, record, now, options.ttlMs);
    return { run, done, busy, token };
  }

  async complete(eventKey: string, handlerId: string, _token: string, options: InkboxClaimOptions): Promise<void> {
    const now = this.clock();
    const record = this.records.get(eventKey) ?? { handlers: new Map<string, HandlerState>(), expiresAt: 0 };
    record.handlers.set(handlerId, DONE);
    this.touch(eventKey, record, now, options.ttlMs);
  }

  async release(eventKey: string, handlerId: string, token: string): Promise<void> {
    const state = this.records.get(eventKey)?.handlers.get(handlerId);
    if (state && !state.done && state.token === token) this.records.get(eventKey)!.handlers.delete(handlerId);
  }

  /** Moves the record to the young end of the map (insertion order = age) and bounds the size. */
  private touch(eventKey: string, record: EventRecord, now: number, ttlMs: number): void {
    record.expiresAt = now + ttlMs;
    this.records.delete(eventKey);
    this.records.set(eventKey, record);
    while (this.records.size > this.maxEntries) {
      const oldest = this.records.keys().next().value as string;
      this.records.delete(oldest);
    }
  }

  /** Drops expired records from the old end; stops at the first live one. */
  private sweep(now: number): void {
    for (const [key, record] of this.records) {
      if (record.expiresAt > now) break;
      this.records.delete(key);
    }
  }
}
