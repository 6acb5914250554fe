import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

async function bootstrap(): Promise<void> {
  // Nothing webhook-specific here: nestjs-inkbox captures the raw body of its own route by itself.
  const app = await NestFactory.create(AppModule);
  app.enableShutdownHooks();
  const config = app.get(ConfigService);
  const host = config.get<string>('HOST', '127.0.0.1');
  const port = Number(config.get<string>('PORT', '3000'));
  await app.listen(port, host);
  Logger.log(
    `Listening on http://${host}:${port}: Inkbox webhooks at POST /inkbox/webhooks, the record at GET /mailboxes`,
    'Sample',
  );
}

void bootstrap();
