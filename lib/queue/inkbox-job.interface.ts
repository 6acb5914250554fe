/**
 * The data of an Inkbox job in BullMQ. The job's name is the event type and its id the event key
 * (see {@link inkboxJobId}), so Bull Board and BullMQ's own tools show one job per event.
 */
export interface InkboxJobData {
  /** The key the event is deduplicated on: the payload `id`, or `sha256:<hex>` of the body when it has none. */
  readonly eventKey: string;
  /** `event_type` of the payload. */
  readonly eventType: string;
  /** The verified payload, as Inkbox sent it. */
  readonly payload: Record<string, unknown>;
  /** `X-Inkbox-Request-ID` of the delivery that queued the event. */
  readonly requestId: string;
  /** Path parameters of the webhook route. */
  readonly params: Readonly<Record<string, string>>;
  /** When the receiver took the delivery (ISO 8601). */
  readonly receivedAt: string;
  /** Trace context of the receiving request (W3C `traceparent`…), when OpenTelemetry is in use. */
  readonly trace?: Record<string, string>;
}

/** A failed Inkbox job, as `InkboxQueueService.failed()` lists it. */
export interface InkboxFailedJob {
  /** The event key (payload `id`). */
  readonly eventId: string;
  readonly eventType: string;
  /** Runs made. */
  readonly attempts: number;
  /** The error of the last run. */
  readonly lastError: string;
  /** When the last run failed. */
  readonly failedAt: Date | undefined;
}

/** Job counts of the queue, by state. */
export interface InkboxQueueCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
}
