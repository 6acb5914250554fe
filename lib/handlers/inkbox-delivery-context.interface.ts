/** What a handler is told about the delivery besides the event itself. */
export interface InkboxDeliveryContext {
  /** `X-Inkbox-Request-ID` of this attempt (changes on every retry). */
  readonly requestId: string;
  /** The key this event is deduplicated on: the payload `id`, or `sha256:<hex>` of the body when absent. */
  readonly eventKey: string;
  /** Path parameters of the webhook route (e.g. `identity`). */
  readonly params: Readonly<Record<string, string>>;
  /** Queue mode only: which run of the job this is, 1-based (a retry after a failure counts up). */
  readonly attempt?: number;
  /** Queue mode only: when the receiver stored the event in the queue. */
  readonly queuedAt?: Date;
}
