import type { BullJobLike, BullQueueLike } from './bullmq.types.js';
import type { InkboxFailedJob, InkboxJobData, InkboxQueueCounts } from './inkbox-job.interface.js';
import { inkboxJobId } from './inkbox-job-id.js';
import { FRESH_ATTEMPTS } from './inkbox-queue.connection.js';

/** Jobs read per call while retrying the whole failed set. */
const PAGE = 500;

function describeFailed(job: BullJobLike): InkboxFailedJob {
  const data = (job.data ?? {}) as Partial<InkboxJobData>;
  return {
    eventId: typeof data.eventKey === 'string' ? data.eventKey : String(job.id),
    eventType: typeof data.eventType === 'string' ? data.eventType : job.name,
    attempts: job.attemptsMade,
    lastError: job.failedReason ?? '',
    failedAt: typeof job.finishedOn === 'number' ? new Date(job.finishedOn) : undefined,
  };
}

/**
 * Counts, lists and retries the jobs of an Inkbox queue. Framework-free: `InkboxQueueService` and
 * the `nestjs-inkbox queue` command both use it.
 */
export class InkboxQueueInspector {
  constructor(private readonly queue: BullQueueLike) {}

  /** Jobs by state (`waiting` includes prioritized jobs). */
  async counts(): Promise<InkboxQueueCounts> {
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
      completed: c.completed ?? 0,
    };
  }

  /** The most recently failed jobs, newest first (default 100). */
  async failed(limit = 100): Promise<InkboxFailedJob[]> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a whole number of 1 or more');
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.filter((job): job is BullJobLike => !!job).map(describeFailed);
  }

  /**
   * Moves failed jobs back to the queue, with a fresh set of attempts: the given events, or every
   * failed job. Only the handlers that have not completed for an event run again.
   */
  async retryFailed(eventIds?: readonly string[]): Promise<{ retried: number }> {
    let retried = 0;
    if (eventIds) {
      for (const eventId of eventIds) {
        const jobId = inkboxJobId(eventId);
        if ((await this.queue.getJobState(jobId)) !== 'failed') continue;
        if (await this.retry(await this.queue.getJob(jobId))) retried++;
      }
      return { retried };
    }
    const tried = new Set<string>();
    for (;;) {
      const page = (await this.queue.getFailed(0, PAGE - 1)).filter((job) => job && !tried.has(String(job.id)));
      if (page.length === 0) return { retried };
      for (const job of page) {
        tried.add(String(job.id));
        if (await this.retry(job)) retried++;
      }
    }
  }

  private async retry(job: BullJobLike | null | undefined): Promise<boolean> {
    if (!job) return false;
    try {
      await job.retry('failed', FRESH_ATTEMPTS);
      return true;
    } catch {
      return false; // no longer failed (retried or removed meanwhile)
    }
  }
}
