import {
  Controller,
  Get,
  Module,
  Post,
  Body,
  type DynamicModule,
  type INestApplication,
  type NestApplicationOptions,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InkboxModule, type InkboxModuleExtras, type InkboxModuleOptions } from '../../lib';
import { CallLog, EverythingHandler, MailHandlers } from './recording-handlers';
import { FamilyHandlers } from './family-handlers';
import { SIGNING_KEY } from './http';

/** An ordinary route of the app, to prove its parsing is untouched. */
@Controller('echo')
export class EchoController {
  @Post()
  echo(@Body() body: unknown) {
    return { body };
  }

  @Get()
  ping() {
    return { ok: true };
  }
}

@Module({ providers: [CallLog], exports: [CallLog] })
export class CallLogModule {}

/** Handlers live in a module of their own (not global), as in a real app. */
@Module({ imports: [CallLogModule], providers: [MailHandlers, EverythingHandler] })
export class HandlersModule {}

export interface AppSetup {
  inkbox?: Partial<InkboxModuleOptions> & InkboxModuleExtras;
  wildcard?: boolean;
  imports?: Array<DynamicModule | (new () => unknown)>;
}

export function buildAppModule(setup: AppSetup = {}) {
  const handlers =
    setup.wildcard === false ? [MailHandlers, FamilyHandlers] : [MailHandlers, FamilyHandlers, EverythingHandler];
  @Module({ imports: [CallLogModule], providers: handlers })
  class Handlers {}

  @Module({
    imports: [InkboxModule.forRoot({ signingKey: SIGNING_KEY, ...setup.inkbox }), Handlers, ...(setup.imports ?? [])],
    controllers: [EchoController],
  })
  class AppModule {}
  return AppModule;
}

/** A real app over NestFactory.create, as a user's main.ts would make it. */
export async function createApp(
  setup: AppSetup = {},
  options: NestApplicationOptions = {},
  configure?: (app: INestApplication) => void,
): Promise<INestApplication> {
  const app = await NestFactory.create(buildAppModule(setup), { logger: false, ...options });
  configure?.(app);
  await app.init();
  return app;
}
