import type { InkboxDeliveryContext } from './inkbox-delivery-context.interface.js';
import type { InkboxEvent } from '../events/dto/inkbox-event.dto.js';

/** A discovered handler: a stable id (`Class.method`), its types, and how to call it. */
export interface InkboxHandler {
  readonly id: string;
  readonly types: readonly string[];
  readonly invoke: (event: InkboxEvent, delivery: InkboxDeliveryContext) => unknown;
}
