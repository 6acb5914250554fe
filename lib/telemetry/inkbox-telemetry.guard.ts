import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { InkboxTelemetry } from './inkbox-telemetry.service.js';

/**
 * Opens the `inkbox.receive` span of a webhook request before its signature is checked, so that
 * rejected deliveries are traced and counted too. Always lets the request through.
 */
@Injectable()
export class InkboxTelemetryGuard implements CanActivate {
  constructor(private readonly telemetry: InkboxTelemetry) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.telemetry.enabled && context.getType() === 'http') {
      const http = context.switchToHttp();
      this.telemetry.startReceive(http.getRequest<object>(), http.getResponse<unknown>());
    }
    return true;
  }
}
