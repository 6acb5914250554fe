import { Logger } from '@nestjs/common';
import { INKBOX_REQUEST_ID_HEADER } from '../inkbox.constants.js';
import { inkboxLogValue } from './inkbox-log-value.js';

/** Headers as Node, Express and Fastify hold them. */
type HeadersLike = Readonly<Record<string, string | string[] | undefined>>;

/** How many rejection lines may be written per window before they are only counted. */
export const INKBOX_REJECTION_LOG_BURST = 20;
/** Length of a rate-limit window for rejection lines, in milliseconds. */
export const INKBOX_REJECTION_LOG_WINDOW_MS = 10_000;

/** The clock and timer the log uses; replaceable in tests. */
export interface InkboxRejectionLogClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): { unref?(): unknown };
}

const SYSTEM_CLOCK: InkboxRejectionLogClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
};

/**
 * Writes one warn line per rejected delivery (status, reason, request id), with every request
 * value escaped and cut. At most `burst` lines per window: beyond that, rejections are counted and
 * one summary line per window says how many were left out, by status.
 */
export class InkboxRejectionLog {
  private windowStart = -Infinity;
  private written = 0;
  private readonly suppressed = new Map<number, number>();
  private summaryPending = false;

  constructor(
    private readonly logger: Pick<Logger, 'warn'> = new Logger('InkboxWebhook'),
    private readonly burst = INKBOX_REJECTION_LOG_BURST,
    private readonly windowMs = INKBOX_REJECTION_LOG_WINDOW_MS,
    private readonly clock: InkboxRejectionLogClock = SYSTEM_CLOCK,
  ) {}

  /** Records one rejection. `detail` is written escaped; `headers` give the request id. */
  reject(status: number, reason: string, detail: string, headers?: HeadersLike): void {
    const now = this.clock.now();
    if (now - this.windowStart >= this.windowMs) {
      this.flush();
      this.windowStart = now;
      this.written = 0;
    }
    if (this.written < this.burst) {
      this.written++;
      const requestId = headers?.[INKBOX_REQUEST_ID_HEADER];
      this.logger.warn(
        `Rejected webhook delivery with ${status} (request id ${inkboxLogValue(Array.isArray(requestId) ? requestId.join(',') : requestId, 64)}): ` +
          `${inkboxLogValue(reason, 40)}: ${inkboxLogValue(detail, 300)}`,
      );
      return;
    }
    this.suppressed.set(status, (this.suppressed.get(status) ?? 0) + 1);
    if (!this.summaryPending) {
      this.summaryPending = true;
      const timer = this.clock.setTimeout(() => this.flush(), Math.max(0, this.windowStart + this.windowMs - now));
      timer.unref?.();
    }
  }

  /** Writes the summary of the rejections that were only counted, if any. */
  flush(): void {
    this.summaryPending = false;
    if (this.suppressed.size === 0) return;
    let total = 0;
    const parts: string[] = [];
    for (const [status, count] of [...this.suppressed].sort((a, b) => a[0] - b[0])) {
      total += count;
      parts.push(`${count} × ${status}`);
    }
    this.suppressed.clear();
    this.logger.warn(
      `${total} more webhook deliveries were rejected in ${this.windowMs / 1000} s and not logged one by one (${parts.join(', ')}).`,
    );
  }
}

const logs = new WeakMap<object, InkboxRejectionLog>();

/** The rejection log of one module instance (keyed by its resolved options object). */
export function inkboxRejectionLogFor(owner: object): InkboxRejectionLog {
  let log = logs.get(owner);
  if (!log) {
    log = new InkboxRejectionLog();
    logs.set(owner, log);
  }
  return log;
}
