/**
 * The parts of BullMQ the module uses, described structurally: the library's own type declarations
 * never name the `bullmq` package, so apps that do not use queue mode need not install it.
 */

/** A BullMQ job as the module reads it. */
export interface BullJobLike {
  readonly id?: string | undefined;
  readonly name: string;
  readonly data: unknown;
  /** Failed runs so far. */
  readonly attemptsMade: number;
  /** Enqueue time, ms since the epoch. */
  readonly timestamp: number;
  readonly failedReason?: string;
  readonly finishedOn?: number;
  readonly opts: { readonly attempts?: number };
  retry(
    state?: 'completed' | 'failed',
    options?: { resetAttemptsMade?: boolean; resetAttemptsStarted?: boolean },
  ): Promise<void>;
}

/** A BullMQ queue as the module uses it. */
export interface BullQueueLike {
  add(name: string, data: unknown, options: Record<string, unknown>): Promise<BullJobLike>;
  getJobState(jobId: string): Promise<string>;
  getJob(jobId: string): Promise<BullJobLike | undefined | null>;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  getFailed(start?: number, end?: number): Promise<BullJobLike[]>;
  waitUntilReady(): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  close(): Promise<void>;
}

/** A BullMQ worker as the module uses it. */
export interface BullWorkerLike {
  run(): Promise<void>;
  close(force?: boolean): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  waitUntilReady(): Promise<unknown>;
}

/** What `require('bullmq')` gives the module. */
export interface BullMqModule {
  readonly Queue: new (name: string, options: Record<string, unknown>) => BullQueueLike;
  readonly Worker: new (
    name: string,
    processor: (job: BullJobLike) => Promise<unknown>,
    options: Record<string, unknown>,
  ) => BullWorkerLike;
}
