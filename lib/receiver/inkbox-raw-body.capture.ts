import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { INKBOX_RESOLVED_OPTIONS, INKBOX_ROUTE } from '../inkbox.constants.js';
import { InkboxConfigurationError } from '../errors.js';
import type { ResolvedInkboxOptions } from '../options/inkbox-module-options.interface.js';
import type { InkboxRoute } from './inkbox-route.interface.js';
import { installFastifyInkboxCapture, type FastifyInstanceLike } from './inkbox-fastify.capture.js';
import { createInkboxPathMatcher } from './inkbox-path.matcher.js';
import { readInkboxRawBody } from './inkbox-raw-body.reader.js';

type Middleware = (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void) => void;

interface AdapterLike {
  getType?(): string;
  getInstance?(): unknown;
  use(...args: unknown[]): unknown;
}

interface ExpressRouterLike {
  stack?: Array<{ handle?: unknown }>;
}

const MIDDLEWARE_NAME = 'nestjsInkboxRawBodyCapture';

/**
 * Installs the raw-body capture for the webhook route, with no change to `main.ts`. It subscribes,
 * while the module is being built, to `HttpAdapterHost.init$`, which fires once the HTTP adapter
 * exists and before Nest registers its body parsers, and adds through the adapter one Express
 * middleware, or on Fastify one `preParsing` hook. It acts only on POST requests to the webhook
 * path; every other route keeps the app's own parsing and limits.
 */
@Injectable()
export class InkboxRawBodyCapture implements OnModuleInit {
  private readonly logger = new Logger('InkboxModule');
  private installedOn: unknown;
  private problem: string | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(INKBOX_ROUTE) private readonly route: InkboxRoute,
    @Inject(INKBOX_RESOLVED_OPTIONS) private readonly options: ResolvedInkboxOptions,
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
    const matches = createInkboxPathMatcher(this.route.path);
    const maxBytes = this.options.maxBodyBytes;
    if (type === 'fastify') {
      this.problem = installFastifyInkboxCapture(adapter.getInstance?.() as FastifyInstanceLike, matches, maxBytes);
      this.installedOn = adapter;
      return;
    }
    if (type !== 'express') {
      this.problem = `the webhook receiver supports the Express and Fastify adapters; this app uses "${type ?? 'an unknown adapter'}".`;
      return;
    }
    const capture: Middleware = (req, _res, next) => {
      if (req.method !== 'POST' || !matches(req.originalUrl ?? req.url ?? '')) return next();
      readInkboxRawBody(req, maxBytes, next);
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
    const index = stack?.findIndex((layer) => (layer.handle as { name?: string } | undefined)?.name === MIDDLEWARE_NAME) ?? -1;
    if (!stack || index <= 0) return;
    const [layer] = stack.splice(index, 1);
    stack.unshift(layer!);
    this.logger.debug('Raw-body capture moved ahead of the body parsers.');
  }
}
