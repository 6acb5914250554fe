import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { signInkboxWebhook } from '../../lib/testing';

export const SIGNING_KEY = 'whsec_test_receiver_key';

/** Sends `body` (object or exact string) signed with `key` to `path` over real HTTP. */
export function sendSigned(
  app: INestApplication,
  path: string,
  body: unknown,
  options: { key?: string; headers?: Record<string, string | undefined>; timestamp?: number } = {},
) {
  const signed = signInkboxWebhook(body, { signingKey: options.key ?? SIGNING_KEY, timestamp: options.timestamp });
  const headers: Record<string, string | undefined> = { ...signed.headers, ...options.headers };
  let req = request(app.getHttpServer()).post(path);
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) req = req.set(name, value);
  return req.send(signed.body);
}
