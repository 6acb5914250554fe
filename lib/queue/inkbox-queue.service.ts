import { Injectable } from '@nestjs/common';
import type { InkboxFailedJob, InkboxQueueCounts } from './inkbox-job.interface.js';
import { InkboxQueueHost } from './inkbox-queue.host.js';
import { InkboxQueueInspector } from './inkbox-queue.inspector.js';

/**
 * The queue of queue mode, for the app: job counts, the failed jobs, and retrying them.
 * Injectable in every role; its methods need `delivery.mode: 'queue'`.
 *
 * @example
 * constructor(private readonly queue: InkboxQueueService) {}
 * await this.queue.retryFailed(['evt_123']);
 */
@Injectable()
export class InkboxQueueService {
  private inspectorOf: InkboxQueueInspector | undefined;

  constructor(private readonly host: InkboxQueueHost) {}

  /** Jobs by state: `{ waiting, active, delayed, failed, completed }`. */
  counts(): Promise<InkboxQueueCounts> {
    return this.inspector().counts();
  }

  /** Jobs that used up their attempts, newest first (default 100). */
  failed(limit?: number): Promise<InkboxFailedJob[]> {
    return this.inspector().failed(limit);
  }

  /** Runs failed jobs again (the given event ids, or all), each with fresh attempts; resolves `{ retried }`. */
  retryFailed(eventIds?: readonly string[]): Promise<{ retried: number }> {
    return this.inspector().retryFailed(eventIds);
  }

  private inspector(): InkboxQueueInspector {
    const queue = this.host.queue;
    if (!queue)
      throw new Error(
        "InkboxQueueService needs InkboxModule.forRoot({ delivery: { mode: 'queue', redis } }) (and a started app).",
      );
    if (!this.inspectorOf) this.inspectorOf = new InkboxQueueInspector(queue);
    return this.inspectorOf;
  }
}
