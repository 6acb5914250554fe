import { withRedisTimeout } from '../idempotency/redis-timeout.js';
import { injectInkboxTraceContext } from '../telemetry/inkbox-trace-context.js';
import { HttpException, HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import { inkboxEventKey } from '../handlers/inkbox-event.dispatcher.js';
import type { InkboxJobData } from './inkbox-job.interface.js';
import { inkboxJobId } from './inkbox-job-id.js';
import { FRESH_ATTEMPTS } from './inkbox-queue.connection.js';
import { inkboxJobOptions } from './inkbox-queue.connection.js';
import { InkboxQueueHost } from './inkbox-queue.host.js';

/**
 * The receiver's side of queue mode: stores a verified event as one BullMQ job (job id = event
 * key) and says what the answer to Inkbox is. Nothing is acknowledged before Redis has the job.
 */
@Injectable()
export class InkboxQueueProducer {
  private readonly logger = new Logger('InkboxQueue');

  constructor(private readonly host: InkboxQueueHost) {}

  /** True in queue mode: the webhook controller queues instead of running handlers. */
  get active(): boolean {
    return this.host.queue !== undefined;
  }

  /**
   * Queues the event unless its job exists: `queued` (new, or still waiting/running, or failed
   * and now retried) or `duplicate` (its job completed). Throws a 503 when Redis does not answer.
   */
  async receive(
    event: InkboxEvent,
    rawBody: Buffer,
    delivery: { requestId: string; params: Readonly<Record<string, string>>; eventKey?: string },
  ): Promise<{ outcome: 'queued' | 'duplicate' }> {
    const settings = this.host.settings!;
    const queue = this.host.queue!;
    const eventKey = delivery.eventKey ?? inkboxEventKey(event, rawBody);
    const jobId = inkboxJobId(eventKey);
    try {
      const state = await withRedisTimeout(queue.getJobState(jobId), settings.enqueueTimeoutMs, 'while queueing');
      if (state === 'completed') return { outcome: 'duplicate' };
      if (state === 'failed') {
        // a replay of an event whose job gave up: run it again (only its unfinished handlers)
        await withRedisTimeout(queue.getJob(jobId), settings.enqueueTimeoutMs, 'while queueing')
          .then((job) => job?.retry('failed', FRESH_ATTEMPTS))
          .catch(() => undefined);
        return { outcome: 'queued' };
      }
      if (state !== 'unknown') return { outcome: 'queued' };
      const data: { -readonly [K in keyof InkboxJobData]: InkboxJobData[K] } = {
        eventKey,
        eventType: event.event_type,
        payload: JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>,
        requestId: delivery.requestId,
        params: delivery.params,
        receivedAt: new Date().toISOString(),
      };
      // the worker's handler spans join the trace of this delivery (nothing without OpenTelemetry)
      const trace = injectInkboxTraceContext();
      if (Object.keys(trace).length > 0) data.trace = trace;
      await withRedisTimeout(
        queue.add(event.event_type, data, inkboxJobOptions(settings, jobId)),
        settings.enqueueTimeoutMs,
        'while queueing',
      );
      return { outcome: 'queued' };
    } catch (error) {
      this.logger.error(
        `Could not queue ${event.event_type} event ${eventKey} (request ${delivery.requestId}): ${(error as Error)?.message ?? String(error)}; answering 503 so Inkbox retries.`,
      );
      throw new HttpException(
        { statusCode: 503, message: 'The event queue is unavailable; retry later.', error: 'Service Unavailable' },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
  }
}
