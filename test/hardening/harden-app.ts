import { type INestApplication, type ModuleMetadata, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { InkboxModule, type InkboxModuleOptions } from '../../lib';
import { CapturingLogger } from '../support/log-capture';

export const KEY = 'whsec_hardening_key';
export type AppKind =
  'express' | 'fastify' | 'express (Test.createTestingModule)' | 'fastify (Test.createTestingModule)';
export const APP_KINDS: AppKind[] = [
  'express',
  'fastify',
  'express (Test.createTestingModule)',
  'fastify (Test.createTestingModule)',
];

/** One app of the given kind with InkboxModule and `metadata` (providers, imports), logging into `logger`. */
export async function makeHardenApp(
  kind: AppKind,
  options: Partial<InkboxModuleOptions> = {},
  metadata: ModuleMetadata = {},
  logger = new CapturingLogger(),
): Promise<{ app: INestApplication; logger: CapturingLogger }> {
  @Module({
    imports: [InkboxModule.forRoot({ signingKey: KEY, ...options }), ...(metadata.imports ?? [])],
    providers: metadata.providers ?? [],
    controllers: metadata.controllers ?? [],
  })
  class AppModule {}
  let app: INestApplication;
  const fastify = kind.startsWith('fastify');
  if (kind.includes('Test.createTestingModule')) {
    const ref = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = fastify ? ref.createNestApplication(new FastifyAdapter(), { logger }) : ref.createNestApplication({ logger });
  } else {
    app = fastify
      ? await NestFactory.create(AppModule, new FastifyAdapter(), { logger })
      : await NestFactory.create(AppModule, { logger });
  }
  await app.init();
  if (fastify) await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
  return { app, logger };
}

/** The warn lines about rejected deliveries. */
export function rejectionLines(logger: CapturingLogger): string[] {
  return logger.lines
    .filter((l) => l.level === 'warn' && /Rejected webhook delivery/.test(l.message))
    .map((l) => l.message);
}
