import { Inject, Injectable, Optional } from '@nestjs/common';
import { INKBOX_IDEMPOTENCY_STORE } from '../inkbox.constants.js';
import type { InkboxIdempotencyStore } from '../idempotency/inkbox-idempotency-store.interface.js';

/** Counts a queue probe reports (queue delivery fills it in). */
export interface InkboxQueueHealth {
  readonly waiting: number;
  readonly failed: number;
}

/** Reads the delivery queue's counts; rejects when the queue cannot be reached. */
export type InkboxQueueHealthProbe = () => Promise<InkboxQueueHealth>;

/** Options of one health check. */
export interface InkboxHealthCheckOptions {
  /** Down when more jobs than this have failed (queue delivery only). Default: not checked. */
  maxFailedJobs?: number;
  /** How long each probe may take before it counts as unreachable. Default 2 000 ms. */
  timeoutMs?: number;
}

/** One check's result, in the shape `@nestjs/terminus` expects: `{ [key]: { status, ... } }`. */
export type InkboxHealthResult = Record<string, { status: 'up' | 'down'; [detail: string]: unknown }>;

const PROBE_KEY = 'nestjs-inkbox:health-probe';

/**
 * Health of the webhook pipeline for `@nestjs/terminus` (or any caller): the idempotency store
 * answers, and, when queue delivery registered a probe, the queue answers and its failed jobs stay
 * under `maxFailedJobs`. Returns `{ [key]: { status: 'down', ... } }` rather than throwing, which
 * Terminus' `HealthCheckService` turns into a 503.
 *
 * @example
 * \@Get('health') \@HealthCheck()
 * check() { return this.health.check([() => this.inkbox.isHealthy('inkbox', { maxFailedJobs: 100 })]); }
 */
@Injectable()
export class InkboxHealthIndicator {
  private queueProbe: InkboxQueueHealthProbe | undefined;

  constructor(@Optional() @Inject(INKBOX_IDEMPOTENCY_STORE) private readonly store?: InkboxIdempotencyStore | null) {}

  /** Lets queue delivery report its counts (called once by the queue module at startup). */
  registerQueueProbe(probe: InkboxQueueHealthProbe): void {
    this.queueProbe = probe;
  }

  /** Checks the store and the queue; resolves to a Terminus-shaped result, never rejects. */
  async isHealthy(key = 'inkbox', options: InkboxHealthCheckOptions = {}): Promise<InkboxHealthResult> {
    const timeoutMs = options.timeoutMs ?? 2000;
    const details: Record<string, unknown> = {};
    const problems: string[] = [];
    if (!this.store) details.store = 'none';
    else {
      const error = await settle(this.probeStore(this.store), timeoutMs);
      details.store = error === undefined ? 'up' : 'down';
      if (error !== undefined) problems.push(`idempotency store: ${error}`);
    }
    if (this.queueProbe) {
      let counts: InkboxQueueHealth | undefined;
      const error = await settle(
        this.queueProbe().then((c) => void (counts = c)),
        timeoutMs,
      );
      details.queue = error === undefined ? { status: 'up', ...counts } : { status: 'down' };
      if (error !== undefined) problems.push(`queue: ${error}`);
      else if (counts && options.maxFailedJobs !== undefined && counts.failed > options.maxFailedJobs) {
        problems.push(`queue: ${counts.failed} failed jobs, more than ${options.maxFailedJobs}`);
      }
    }
    return {
      [key]:
        problems.length === 0
          ? { status: 'up', ...details }
          : { status: 'down', ...details, message: problems.join('; ') },
    };
  }

  private async probeStore(store: InkboxIdempotencyStore): Promise<void> {
    const pingable = store as InkboxIdempotencyStore & { ping?: () => Promise<unknown> };
    if (typeof pingable.ping === 'function') {
      await pingable.ping();
      return;
    }
    const claim = await store.claim(PROBE_KEY, ['probe'], { leaseMs: 1000, ttlMs: 60_000 });
    if (claim.run.length > 0) await store.release(PROBE_KEY, 'probe', claim.token);
  }
}

/** Resolves to undefined when `work` succeeds within `ms`, else to a short reason. */
async function settle(work: Promise<unknown>, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms} ms`), ms);
    timer.unref?.();
  });
  try {
    return await Promise.race([
      work.then(
        () => undefined,
        (e: unknown) => (e as Error)?.message ?? String(e),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
