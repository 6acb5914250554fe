import { Logger, type LoggerService } from '@nestjs/common';
import { InkboxAdminService } from '../../lib/admin/inkbox-admin.service';
import type { InkboxAdminClientOptions } from '../../lib/admin/admin.types';
import { resolveInkboxOptions } from '../../lib/options/inkbox-options';
import type { InkboxModuleOptions, ResolvedInkboxOptions } from '../../lib/options/inkbox-module-options.interface';
import { FakeInkboxApi } from './fake-inkbox-api';

/** The API key every test uses; it must never show up outside the X-API-Key header. */
export const API_KEY = 'sk_test_9f8e7d6c5b4a3210SECRETVALUE';

/** A fake API, a service pointed at it, and the waits the service chose. */
export interface AdminKit {
  api: FakeInkboxApi;
  service: InkboxAdminService;
  options: ResolvedInkboxOptions;
  /** Every wait the service asked for, in ms, in order (nothing is actually waited). */
  sleeps: number[];
  stop(): Promise<void>;
}

/** Starts a fake Inkbox API and builds an `InkboxAdminService` for it (jitter fixed at 0.5, sleeps recorded). */
export async function startKit(
  overrides: Partial<InkboxModuleOptions> = {},
  client: InkboxAdminClientOptions = {},
): Promise<AdminKit> {
  const api = new FakeInkboxApi(API_KEY);
  const baseUrl = await api.start();
  const sleeps: number[] = [];
  const options = resolveInkboxOptions({
    signingKey: 'whsec_x',
    apiKey: API_KEY,
    apiBaseUrl: baseUrl,
    apiTimeoutMs: 2000,
    ...overrides,
  });
  const service = new InkboxAdminService(options, {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...client,
  });
  return { api, service, options, sleeps, stop: () => api.stop() };
}

/** Routes every Nest log line (all levels) into the returned array (see also {@link logInto}). */
export function captureLogs(): string[] {
  const lines: string[] = [];
  Logger.overrideLogger(logInto(lines));
  return lines;
}

/** A logger that appends `level message` lines to `lines`, e.g. for `app.useLogger()`. */
export function logInto(lines: string[]): LoggerService {
  const push =
    (level: string) =>
    (message: unknown, ...rest: unknown[]) => {
      lines.push(
        `${level} ${[message, ...rest].map((part) => (part instanceof Error ? `${part.message}\n${part.stack}` : String(part))).join(' ')}`,
      );
    };
  return {
    log: push('log'),
    error: push('error'),
    warn: push('warn'),
    debug: push('debug'),
    verbose: push('verbose'),
    fatal: push('fatal'),
  };
}

/** Headers every request must carry. */
export function expectStandardHeaders(headers: Record<string, string | string[] | undefined>, version: string): void {
  expect(headers['x-api-key']).toBe(API_KEY);
  expect(headers['user-agent']).toBe(`nestjs-inkbox/${version}`);
  expect(headers['accept']).toBe('application/json');
}

/** Catches the rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
