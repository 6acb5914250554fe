import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { INKBOX_RESOLVED_OPTIONS, INKBOX_ROLE } from '../inkbox.constants.js';
import { InkboxConfigurationError } from '../options/inkbox-options.js';
import type { InkboxRole, ResolvedInkboxQueueDelivery } from '../options/inkbox-delivery-options.interface.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import type { BullQueueLike, BullWorkerLike } from './bullmq.types.js';
import { InkboxJobProcessor } from './inkbox-job.processor.js';
import { inkboxQueueConnection } from './inkbox-queue.connection.js';
import { loadBullMq } from './load-bullmq.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * Owns the BullMQ objects of queue mode: the queue (every role: the receiver adds to it, the
 * service reads it) and, for `'worker'` and `'all'`, the worker, started once the app has
 * bootstrapped and closed gracefully on shutdown (active jobs get up to `leaseMs` to finish).
 * Does nothing in inline mode; `bullmq` is loaded only here.
 */
@Injectable()
export class InkboxQueueHost implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('InkboxQueue');
  /** The queue, in queue mode. */
  queue: BullQueueLike | undefined;
  private worker: BullWorkerLike | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options: ResolvedInkboxOptions,
    @Inject(INKBOX_ROLE) private readonly role: InkboxRole,
    private readonly processor: InkboxJobProcessor,
  ) {}

  /** Queue settings, or undefined in inline mode. */
  get settings(): ResolvedInkboxQueueDelivery | undefined {
    return this.options.delivery.mode === 'queue' ? this.options.delivery : undefined;
  }

  onModuleInit(): void {
    const settings = this.settings;
    if (!settings) {
      if (this.role !== 'all')
        throw new InkboxConfigurationError(`role '${this.role}' needs delivery: { mode: 'queue', redis }.`);
      return;
    }
    const { Queue } = loadBullMq();
    this.queue = new Queue(settings.queueName, {
      connection: inkboxQueueConnection(settings, 'producer'),
      ...(settings.prefix ? { prefix: settings.prefix } : {}),
    });
    this.queue.on('error', (error) =>
      this.logger.error(`Queue ${settings.queueName}: ${(error as Error)?.message ?? String(error)}`),
    );
  }

  onApplicationBootstrap(): void {
    const settings = this.settings;
    if (!settings || this.role === 'receiver') return;
    const { Worker } = loadBullMq();
    const worker = new Worker(settings.queueName, (job) => this.processor.process(job), {
      connection: inkboxQueueConnection(settings, 'worker'),
      ...(settings.prefix ? { prefix: settings.prefix } : {}),
      autorun: false,
      concurrency: settings.concurrency,
      lockDuration: settings.leaseMs,
      // a dead worker's job is found at most half a lease after its lock expired
      stalledInterval: Math.max(50, Math.floor(settings.leaseMs / 2)),
      // every crash mid-job counts like an attempt
      maxStalledCount: settings.attempts,
    });
    worker.on('error', (error) =>
      this.logger.error(`Worker of ${settings.queueName}: ${(error as Error)?.message ?? String(error)}`),
    );
    worker.on('failed', (job, error) => {
      const j = job as { id?: string; attemptsMade?: number; opts?: { attempts?: number } } | undefined;
      if (j && (j.attemptsMade ?? 0) >= (j.opts?.attempts ?? 1)) {
        this.logger.error(
          `Job ${j.id} failed ${j.attemptsMade} times and stays in the failed set: ${(error as Error)?.message ?? String(error)}`,
        );
      }
    });
    this.worker = worker;
    this.running = worker
      .run()
      .catch((error: unknown) => this.logger.error(`Worker stopped: ${(error as Error)?.message ?? String(error)}`));
  }

  /** Stops taking jobs, lets active ones finish (at most `leaseMs`), then closes the connections. */
  async onModuleDestroy(): Promise<void> {
    const settings = this.settings;
    const worker = this.worker;
    this.worker = undefined;
    if (worker && settings) {
      const closed = worker.close().then(() => true);
      if (!(await Promise.race([closed, sleep(settings.leaseMs).then(() => false)]))) {
        this.logger.warn(
          `Jobs still running after ${settings.leaseMs} ms (leaseMs); closing the worker anyway: another worker takes them over.`,
        );
        await worker.close(true).catch(() => undefined);
      }
      await this.running;
    }
    const queue = this.queue;
    this.queue = undefined;
    await queue?.close().catch(() => undefined);
  }
}
