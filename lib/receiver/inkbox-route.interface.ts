import type { ControllerOptions } from '@nestjs/common';

/** The webhook route as declared: controller path (no leading slash) and optional version. */
export interface InkboxRoute {
  readonly path: string;
  readonly version?: ControllerOptions['version'];
}
