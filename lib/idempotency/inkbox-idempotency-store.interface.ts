/** What a store answers when a delivery asks to run an event's handlers. */
export interface InkboxClaimResult {
  /** Handlers this delivery now holds a lease on: it must run them, then complete or release each. */
  readonly run: readonly string[];
  /** Handlers that already completed for this event: they must not run again. */
  readonly done: readonly string[];
  /** Handlers another delivery is running now (its lease has not expired). */
  readonly busy: readonly string[];
  /** Opaque lease token, passed back to `complete` and `release`. */
  readonly token: string;
}

/** Timing of a claim. */
export interface InkboxClaimOptions {
  /** How long an in-flight claim holds before another delivery may take it over. */
  readonly leaseMs: number;
  /** How long the event's record is kept after its last change. */
  readonly ttlMs: number;
}

/**
 * Where the module records, per event, which handlers have completed and which are in flight.
 * Implement it to use another database; every method must be atomic per event key.
 */
export interface InkboxIdempotencyStore {
  /** Atomically leases every handler of `handlerIds` that is neither done nor leased by someone else. */
  claim(eventKey: string, handlerIds: readonly string[], options: InkboxClaimOptions): Promise<InkboxClaimResult>;
  /** Records that a handler finished successfully (only called after it resolved). */
  complete(eventKey: string, handlerId: string, token: string, options: InkboxClaimOptions): Promise<void>;
  /** Gives a lease back after the handler failed, so a redelivery runs it again. */
  release(eventKey: string, handlerId: string, token: string): Promise<void>;
  /** Frees resources when the app shuts down. */
  close?(): Promise<void>;
}
