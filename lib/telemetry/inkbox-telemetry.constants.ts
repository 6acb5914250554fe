/** Name of the span of one webhook delivery (a child of the HTTP server span when there is one). */
export const INKBOX_RECEIVE_SPAN = 'inkbox.receive';
/** Name of the span of one handler run (a child of `inkbox.receive`, or of the job's trace in queue mode). */
export const INKBOX_HANDLE_SPAN = 'inkbox.handle';

/** Span attribute names. */
export const INKBOX_ATTRIBUTES = {
  eventType: 'inkbox.event_type',
  eventId: 'inkbox.event_id',
  requestId: 'inkbox.request_id',
  outcome: 'inkbox.outcome',
  rejectedReason: 'inkbox.rejected_reason',
  handler: 'inkbox.handler',
} as const;

/** Metric instrument names. */
export const INKBOX_METRICS = {
  /** Counter of answered deliveries, by `event_type` and `outcome`. */
  deliveries: 'inkbox.deliveries',
  /** Counter of rejected deliveries (verification or validation), by `reason`. */
  rejections: 'inkbox.rejections',
  /** Histogram of handler run times in milliseconds, by `handler` and `outcome`. */
  handlerDuration: 'inkbox.handler.duration',
  /** Gauge of queued jobs, by `state` (`waiting`, `failed`), when queue delivery reports them. */
  queueJobs: 'inkbox.queue.jobs',
} as const;

/** Instrumentation scope name of the module's tracer and meter. */
export const INKBOX_INSTRUMENTATION_SCOPE = 'nestjs-inkbox';
