import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';
import type { InkboxDeliveryContext } from '../handlers/inkbox-delivery-context.interface.js';

/** What an error hook (`@OnInkboxHandlerError()` or the `onHandlerError` option) is told about a failure. */
export interface InkboxHandlerErrorInfo {
  /** What the handler threw (always an `Error`; other values are wrapped). */
  readonly error: Error;
  /** The event the handler was given. */
  readonly event: InkboxEvent;
  /** Request id, event key and route parameters of the delivery. */
  readonly delivery: InkboxDeliveryContext;
  /** The failed handler, as `Class.method`. */
  readonly handler: string;
}

/** An error hook. Its result is not awaited by the delivery; what it throws or rejects is logged and ignored. */
export type InkboxHandlerErrorHook = (info: InkboxHandlerErrorInfo) => unknown;
