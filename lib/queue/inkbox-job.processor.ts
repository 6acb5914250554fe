import { runWithInkboxTraceContext } from '../telemetry/inkbox-trace-context.js';
import { Injectable } from '@nestjs/common';
import { parseInkboxEvent } from '../events/inkbox-event.parser.js';
import { InkboxEventDispatcher } from '../handlers/inkbox-event.dispatcher.js';
import type { InkboxDispatchResult } from '../handlers/inkbox-dispatch-result.js';
import type { BullJobLike } from './bullmq.types.js';
import type { InkboxJobData } from './inkbox-job.interface.js';

const NO_BODY = Buffer.alloc(0);

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The error a job run ends with when not every handler succeeded (BullMQ then retries the job). */
function failure(result: Exclude<InkboxDispatchResult, { outcome: 'processed' | 'ignored' | 'duplicate' }>): Error {
  switch (result.outcome) {
    case 'failed': {
      const causes = (result.errors ?? []).map(message).join('; ');
      return new Error(
        `${result.failed.length === 1 ? 'Handler' : 'Handlers'} ${result.failed.join(', ')} failed${causes ? `: ${causes}` : ''}`,
      );
    }
    case 'in-flight':
      return new Error(
        `Handlers ${result.busy.join(', ')} are still leased by a run that stopped; the next attempt takes them over`,
      );
    case 'store-unavailable':
      return new Error(result.message);
  }
}

/**
 * Runs one Inkbox job: rebuilds the typed event from the stored payload and hands it to the same
 * dispatcher as inline delivery (typed, `'*'`, bridge, per-handler completion). Resolves when every
 * handler has completed; rejects otherwise, so BullMQ retries the job.
 */
@Injectable()
export class InkboxJobProcessor {
  constructor(private readonly dispatcher: InkboxEventDispatcher) {}

  async process(job: BullJobLike): Promise<{ outcome: 'processed' | 'ignored' | 'duplicate' }> {
    const data = job.data as InkboxJobData;
    const event = parseInkboxEvent(JSON.stringify(data.payload));
    const result = await runWithInkboxTraceContext(data.trace, () =>
      this.dispatcher.dispatch(event, NO_BODY, {
        requestId: data.requestId,
        params: data.params ?? {},
        eventKey: data.eventKey,
        attempt: job.attemptsMade + 1,
        queuedAt: new Date(job.timestamp),
      }),
    );
    switch (result.outcome) {
      case 'processed':
      case 'ignored':
      case 'duplicate':
        return { outcome: result.outcome };
      default:
        throw failure(result);
    }
  }
}
