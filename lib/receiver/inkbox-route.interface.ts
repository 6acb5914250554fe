import type { ControllerOptions } from '@nestjs/common';

/** The webhook routes as declared: controller paths (no leading slash) and optional version. */
export interface InkboxRoute {
  /** Path of the event webhook route. */
  readonly path: string;
  /** Path of the synchronous incoming-call webhook route (the module always sets it). */
  readonly incomingCallPath?: string;
  readonly version?: ControllerOptions['version'];
}
