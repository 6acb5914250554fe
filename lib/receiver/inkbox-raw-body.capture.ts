import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { INKBOX_RESOLVED_OPTIONS } from '../inkbox.constants.js';
import { InkboxConfigurationError } from '../errors.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import {
  createExpressCaptureMatcher,
  type ExpressAppLike,
  type ExpressRequestLike,
} from './inkbox-express-route.matcher.js';
import { installFastifyInkboxCapture, type FastifyInstanceLike } from './inkbox-fastify.capture.js';
import { readInkboxRawBody } from './inkbox-raw-body.reader.js';
import { inkboxRejectionLogFor } from './inkbox-rejection.log.js';
import { InkboxTelemetry } from '../telemetry/inkbox-telemetry.service.js';
import {
  inkboxBodyTooLarge,
  inkboxErrorBody,
  precheckInkboxRequest,
  type InkboxEarlyRejection,
} from './inkbox-request.precheck.js';

type Middleware = (req: IncomingMessage & ExpressRequestLike, res: ServerResponse, next: () => void) => void;

interface AdapterLike {
  getType?(): string;
  getInstance?(): unknown;
  use(...args: unknown[]): unknown;
}

interface ExpressRouterLike {
  stack?: Array<{ handle?: unknown }>;
}

const MIDDLEWARE_NAME = 'nestjsInkboxRawBodyCapture';

/** Answers a request at once, with Nest's error JSON, and closes the connection (the body is not read). */
function answerAtOnce(res: ServerResponse, rejection: InkboxEarlyRejection): void {
  res.statusCode = rejection.status;
  res.setHeader('Connection', 'close');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(inkboxErrorBody(rejection.status, rejection.message));
}

/**
 * Installs the raw-body capture for the module's captured routes (its webhook route, and any route
 * marked with `InkboxCapturedRoute`), with no change to `main.ts`. It subscribes, while the module is
 * being built, to `HttpAdapterHost.init$`, which fires once the HTTP adapter exists and before Nest
 * registers its body parsers and routes. On Express it adds one middleware that asks the router's
 * own route layers whether the request goes to a captured route; on Fastify it attaches hooks to
 * those routes alone. Every other route keeps the app's own parsing, limits and errors. A request to
 * a captured route is judged by its headers first and answered at once when they fail.
 */
@Injectable()
export class InkboxRawBodyCapture implements OnModuleInit {
  private readonly logger = new Logger('InkboxModule');
  private installedOn: unknown;
  private problem: string | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options: ResolvedInkboxOptions,
    private readonly telemetry: InkboxTelemetry,
  ) {
    const init$ = (adapterHost as HttpAdapterHost & { init$?: Observable<void> }).init$;
    if (init$) init$.subscribe(() => this.install(false));
    else if (adapterHost.httpAdapter) this.install(false);
  }

  /** Fails startup when the capture could not be installed; late installs move to the front. */
  onModuleInit(): void {
    if (!this.installedOn && this.adapterHost.httpAdapter) this.install(true);
    if (this.problem) throw new InkboxConfigurationError(this.problem);
  }

  private install(late: boolean): void {
    const adapter = this.adapterHost.httpAdapter as unknown as AdapterLike | undefined;
    if (!adapter || this.installedOn === adapter) return;
    const type = adapter.getType?.();
    const { maxBodyBytes: maxBytes, toleranceSeconds } = this.options;
    const log = inkboxRejectionLogFor(this.options);
    const onReject = (rejection: InkboxEarlyRejection, headers: IncomingMessage['headers']) => {
      this.telemetry.recordEarlyRejection({ headers }, rejection.reason);
      log.reject(rejection.status, rejection.reason, rejection.message, headers);
    };
    if (type === 'fastify') {
      const instance = adapter.getInstance?.() as FastifyInstanceLike;
      this.problem = installFastifyInkboxCapture(instance, { maxBytes, toleranceSeconds, onReject, late });
      this.installedOn = adapter;
      return;
    }
    if (type !== 'express') {
      this.problem = `the webhook receiver supports the Express and Fastify adapters; this app uses "${type ?? 'an unknown adapter'}".`;
      return;
    }
    const goesToCapturedRoute = createExpressCaptureMatcher(adapter.getInstance?.() as ExpressAppLike);
    const capture: Middleware = (req, res, next) => {
      if (!goesToCapturedRoute(req)) return next();
      const rejection = precheckInkboxRequest(req.headers, toleranceSeconds, maxBytes);
      const reject = (r: InkboxEarlyRejection) => {
        onReject(r, req.headers);
        answerAtOnce(res, r);
      };
      if (rejection) return reject(rejection);
      readInkboxRawBody(req, maxBytes, next, () =>
        reject({ status: 413, reason: 'body_too_large', message: inkboxBodyTooLarge(maxBytes) }),
      );
    };
    Object.defineProperty(capture, 'name', { value: MIDDLEWARE_NAME });
    adapter.use(capture);
    this.installedOn = adapter;
    if (late) this.moveToFront(adapter);
  }

  /**
   * On @nestjs/core before 11.1.4 under `Test.createTestingModule`, the adapter appears only after
   * the body parsers were added: put the capture ahead of them in the Express stack.
   */
  private moveToFront(adapter: AdapterLike): void {
    const app = adapter.getInstance?.() as { router?: ExpressRouterLike; _router?: ExpressRouterLike } | undefined;
    const stack = (app?.router ?? app?._router)?.stack;
    const index =
      stack?.findIndex((layer) => (layer.handle as { name?: string } | undefined)?.name === MIDDLEWARE_NAME) ?? -1;
    if (!stack || index <= 0) return;
    const [layer] = stack.splice(index, 1);
    stack.unshift(layer!);
    this.logger.debug('Raw-body capture moved ahead of the body parsers.');
  }
}
