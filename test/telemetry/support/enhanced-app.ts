import {
  Catch,
  Injectable,
  Module,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type INestApplication,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, BaseExceptionFilter, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { tap } from 'rxjs';
import {
  getInkboxContext,
  InkboxModule,
  OnInkboxEvent,
  OnInkboxHandlerError,
  type InkboxDeliveryContext,
  type InkboxHandlerErrorInfo,
  type InkboxModuleOptions,
  type MessageBouncedEvent,
  type MessageReceivedEvent,
} from '../../../lib';
import { SIGNING_KEY } from '../../support/http';

/** What one interceptor saw of a handler run. */
export interface Seen {
  by: string;
  type: string;
  args: unknown[];
  className: string;
  handlerName: string;
  handler: unknown;
  inkbox: ReturnType<typeof getInkboxContext>;
}

/** Everything the test app's handlers, enhancers and hooks observed. */
@Injectable()
export class Recorder {
  readonly calls: string[] = [];
  readonly seen: Seen[] = [];
  readonly interceptedErrors: string[] = [];
  readonly filtered: string[] = [];
  readonly hookCalls: InkboxHandlerErrorInfo[] = [];

  reset(): void {
    for (const list of [this.calls, this.seen, this.interceptedErrors, this.filtered, this.hookCalls]) list.length = 0;
  }
}

function subjectOf(context: ExecutionContext): string | undefined {
  return (
    (getInkboxContext<MessageReceivedEvent>(context)?.event.data.message as { subject?: string | null } | undefined)
      ?.subject ?? undefined
  );
}

/** Records every run it wraps; registered globally (APP_INTERCEPTOR) and per class. */
function recordingInterceptor(by: string): Type<NestInterceptor> {
  @Injectable()
  class RecordingInterceptor implements NestInterceptor {
    constructor(private readonly rec: Recorder) {}

    intercept(context: ExecutionContext, next: CallHandler) {
      if (context.getType<string>() !== 'http') {
        this.rec.seen.push({
          by,
          type: context.getType<string>(),
          args: context.getArgs(),
          className: context.getClass().name,
          handlerName: context.getHandler().name,
          handler: context.getHandler(),
          inkbox: getInkboxContext(context),
        });
      }
      const type = context.getType<string>();
      return next
        .handle()
        .pipe(tap({ error: (e: Error) => type !== 'http' && this.rec.interceptedErrors.push(`${by}: ${e.message}`) }));
    }
  }
  return RecordingInterceptor;
}

export const GlobalInterceptor = recordingInterceptor('global');
export const ClassInterceptor = recordingInterceptor('class');

/** Global guard: lets HTTP through; skips an Inkbox handler run whose subject is 'global-deny'. */
@Injectable()
export class GlobalDenyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return subjectOf(context) !== 'global-deny';
  }
}

/** Method guard: skips the run when the subject is 'deny'. */
@Injectable()
export class SubjectGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return subjectOf(context) !== 'deny';
  }
}

/** A guard that throws: a failure, not a skip. */
@Injectable()
export class ThrowingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (subjectOf(context) === 'guard-throws') throw new Error('the guard broke');
    return true;
  }
}

/** A catch-all filter that would swallow anything that is not HTTP (as many apps' filters do). */
@Catch()
export class CatchEverythingFilter extends BaseExceptionFilter {
  constructor(private readonly rec: Recorder) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost) {
    this.rec.filtered.push(host.getType());
    if (host.getType() === 'http') return super.catch(exception, host);
    return 'swallowed';
  }
}

@Injectable()
@UseInterceptors(ClassInterceptor)
export class EnhancedHandlers {
  constructor(private readonly rec: Recorder) {}

  @OnInkboxEvent('message.received')
  onReceived(event: MessageReceivedEvent, _delivery: InkboxDeliveryContext) {
    this.rec.calls.push('onReceived');
    if (event.data.message.subject === 'boom') throw new Error('handler exploded');
  }

  @OnInkboxEvent('message.received')
  @UseGuards(SubjectGuard, ThrowingGuard)
  guarded(_event: MessageReceivedEvent) {
    this.rec.calls.push('guarded');
  }

  @UseGuards(SubjectGuard)
  @OnInkboxEvent('message.bounced')
  onlyBounce(_event: MessageBouncedEvent) {
    this.rec.calls.push('onlyBounce');
  }
}

/** Error hook provider (another module's provider, found by discovery). */
@Injectable()
export class ErrorReporter {
  constructor(private readonly rec: Recorder) {}

  @OnInkboxHandlerError()
  report(info: InkboxHandlerErrorInfo) {
    this.rec.hookCalls.push(info);
    throw new Error('the reporter itself failed');
  }
}

@Module({ providers: [Recorder], exports: [Recorder] })
class RecorderModule {}

export interface EnhancedAppOptions {
  adapter: 'express' | 'fastify';
  inkbox?: Partial<InkboxModuleOptions>;
  imports?: Array<DynamicModule | Type<unknown>>;
  providers?: Array<Type<unknown>>;
  controllers?: Array<Type<unknown>>;
  withFilter?: boolean;
  logger?: import('@nestjs/common').LoggerService | false;
}

/** The module of the enhancer tests: global interceptor + guard (+ filter), the handlers above. */
export function buildEnhancedModule(options: EnhancedAppOptions): Type<unknown> {
  @Module({ imports: [RecorderModule], providers: [EnhancedHandlers, ErrorReporter, ...(options.providers ?? [])] })
  class HandlersModule {}

  @Module({
    imports: [
      InkboxModule.forRoot({ signingKey: SIGNING_KEY, ...options.inkbox }),
      RecorderModule,
      HandlersModule,
      ...(options.imports ?? []),
    ],
    controllers: options.controllers ?? [],
    providers: [
      { provide: APP_INTERCEPTOR, useClass: GlobalInterceptor },
      { provide: APP_GUARD, useClass: GlobalDenyGuard },
      ...(options.withFilter === false ? [] : [{ provide: APP_FILTER, useClass: CatchEverythingFilter }]),
    ],
  })
  class AppModule {}
  return AppModule;
}

/** A real app on the chosen adapter, initialised (not listening: supertest binds a port). */
export async function createEnhancedApp(
  options: EnhancedAppOptions,
  before?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const module = buildEnhancedModule(options);
  const logger = options.logger ?? false;
  const app =
    options.adapter === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger })
      : await NestFactory.create(module, { logger });
  before?.(app);
  await app.init();
  if (options.adapter === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}

export const ADAPTERS = ['express', 'fastify'] as const;
