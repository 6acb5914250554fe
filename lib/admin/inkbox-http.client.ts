import type { LoggerService } from '@nestjs/common';
import { INKBOX_API_V1_PATH } from './admin.constants.js';
import type { InkboxAdminClientOptions, InkboxHttpMethod } from './admin.types.js';
import {
  InkboxApiError,
  InkboxConfigurationError,
  InkboxConnectionError,
  type InkboxApiErrorDetail,
  type InkboxConnectionFailure,
} from '../errors.js';
import { backoffDelay, isRetryableFailure, parseRetryAfter, type InkboxRetryMode } from './inkbox-retry.policy.js';
import { NESTJS_INKBOX_VERSION } from './version.js';
import { INKBOX_MESSAGES } from '../messages.js';

/** Query parameters of a request; undefined values are left out. */
export type InkboxQuery = Readonly<Record<string, string | number | boolean | undefined>>;

/** One HTTP exchange with the Inkbox API. */
export interface InkboxHttpCall {
  /** HTTP method. */
  method: InkboxHttpMethod;
  /** Path below `/api/v1`, with every dynamic segment already URL-encoded, e.g. `/mail/mailboxes/a%40b.com`. */
  path: string;
  /** Query parameters. */
  query?: InkboxQuery;
  /** JSON body. */
  body?: unknown;
}

/** A call plus the failures after which it may be sent again. */
export interface InkboxHttpRequest extends InkboxHttpCall {
  /** Which failures may be retried. */
  retry: InkboxRetryMode;
}

/** Everything the client needs: connection settings, retry tuning and a logger. */
export interface InkboxHttpClientSettings {
  /** The API key, or undefined (then every call fails with a message naming the `apiKey` option). */
  apiKey: string | undefined;
  /** Base URL without trailing slash, e.g. `https://inkbox.ai`. */
  baseUrl: string;
  /** Per-request timeout in ms; 0 turns it off. */
  timeoutMs: number;
  /** Attempts of a retryable call, the first included. */
  maxAttempts: number;
  /** Retry tuning, defaults applied. */
  tuning: Required<InkboxAdminClientOptions>;
  /** Where retries are reported. */
  logger: LoggerService;
}

const REDACTED = '[redacted]';
const MAX_TEXT_DETAIL = 300;

/**
 * A small JSON client for the Inkbox API on Node's global `fetch`: authentication, user agent,
 * per-request timeout, error mapping, and retries with exponential backoff and full jitter.
 */
export class InkboxHttpClient {
  /** Kept in a private field so that inspecting or logging the client never shows it. */
  readonly #apiKey: string | undefined;
  private readonly settings: Omit<InkboxHttpClientSettings, 'apiKey'>;
  private readonly host: string;

  constructor({ apiKey, ...settings }: InkboxHttpClientSettings) {
    this.#apiKey = apiKey;
    this.settings = settings;
    this.host = new URL(settings.baseUrl).host;
  }

  /** Sends `request`, retrying transient failures as its retry mode allows, and returns the parsed JSON. */
  request<T>(request: InkboxHttpRequest): Promise<T> {
    return this.retrying(`${request.method} ${INKBOX_API_V1_PATH}${request.path}`, request.retry, () =>
      this.send<T>(request),
    );
  }

  /**
   * Runs `operation` up to `maxAttempts` times while it fails transiently (per `mode`), waiting
   * `Retry-After` or a jittered backoff in between. The final error carries the number of attempts.
   */
  async retrying<T>(label: string, mode: InkboxRetryMode, operation: (attempt: number) => Promise<T>): Promise<T> {
    const { maxAttempts } = this.settings;
    for (let attempt = 1; ; attempt++) {
      try {
        return await operation(attempt);
      } catch (error) {
        const delay =
          attempt < maxAttempts && isRetryableFailure(error, mode) ? this.delayAfter(attempt, error) : undefined;
        if (delay === undefined) throw withAttempts(error, attempt);
        this.settings.logger.warn(
          `${label}: attempt ${attempt} of ${maxAttempts} failed (${summarize(error)}); retrying in ${delay} ms.`,
        );
        await this.settings.tuning.sleep(delay);
      }
    }
  }

  /** One attempt: sends the request and maps every failure to an `InkboxApiError` or `InkboxConnectionError`. */
  async send<T>(request: InkboxHttpCall): Promise<T> {
    const apiKey = this.requireApiKey();
    const path = `${INKBOX_API_V1_PATH}${request.path}`;
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const signal = this.settings.timeoutMs > 0 ? AbortSignal.timeout(this.settings.timeoutMs) : undefined;
    let status: number;
    let headers: Headers;
    let text: string;
    try {
      const response = await fetch(this.settings.baseUrl + path + queryString(request.query), {
        method: request.method,
        headers: requestHeaders(apiKey, body !== undefined),
        body,
        signal,
      });
      status = response.status;
      headers = response.headers;
      text = await response.text();
    } catch (error) {
      throw this.connectionError(request.method, path, signal?.aborted ? 'timeout' : classifyFailure(error), error);
    }
    if (status < 200 || status >= 300) throw this.apiError(request.method, path, status, headers, text);
    return this.parseBody<T>(request.method, path, status, text);
  }

  private requireApiKey(): string {
    const apiKey = this.#apiKey;
    if (!apiKey) {
      throw new InkboxConfigurationError(INKBOX_MESSAGES.apiKeyRequired);
    }
    return apiKey;
  }

  /** The wait after failed attempt number `attempt`, or undefined when the server asks for too long a wait. */
  private delayAfter(attempt: number, error: unknown): number | undefined {
    const { tuning } = this.settings;
    const asked = InkboxApiError.isInstance(error) ? error.retryAfterMs : undefined;
    if (asked !== undefined) return asked <= tuning.maxRetryAfterMs ? asked : undefined;
    return backoffDelay(attempt, tuning.retryBaseDelayMs, tuning.retryMaxDelayMs, tuning.random);
  }

  private parseBody<T>(method: InkboxHttpMethod, path: string, status: number, text: string): T {
    if (text.trim() === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new InkboxApiError({
        status,
        method,
        path,
        detail: `the answer is not JSON (${this.redact(text).slice(0, 80)})`,
      });
    }
  }

  private apiError(
    method: InkboxHttpMethod,
    path: string,
    status: number,
    headers: Headers,
    text: string,
  ): InkboxApiError {
    return new InkboxApiError({
      status,
      method,
      path,
      detail: this.redactDetail(extractDetail(text)),
      retryAfterMs: parseRetryAfter(headers.get('retry-after'), Date.now()),
    });
  }

  private connectionError(
    method: InkboxHttpMethod,
    path: string,
    reason: InkboxConnectionFailure,
    error: unknown,
  ): InkboxConnectionError {
    return new InkboxConnectionError({
      reason,
      method,
      path,
      host: this.host,
      timeoutMs: this.settings.timeoutMs,
      cause: error,
    });
  }

  private redact(text: string): string {
    const apiKey = this.#apiKey;
    return apiKey ? text.split(apiKey).join(REDACTED) : text;
  }

  private redactDetail(detail: InkboxApiErrorDetail): InkboxApiErrorDetail {
    if (detail === null || !this.#apiKey) return detail;
    if (typeof detail === 'string') return this.redact(detail);
    return JSON.parse(this.redact(JSON.stringify(detail))) as InkboxApiErrorDetail;
  }
}

function requestHeaders(apiKey: string, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {
    'X-API-Key': apiKey,
    'User-Agent': `nestjs-inkbox/${NESTJS_INKBOX_VERSION}`,
    Accept: 'application/json',
  };
  if (hasBody) headers['Content-Type'] = 'application/json';
  return headers;
}

/** `?a=1&b=x` from the defined entries of `query`, or an empty string. */
export function queryString(query: InkboxQuery | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The `detail` of a FastAPI-style error body, or the start of the body when it is not such JSON. */
export function extractDetail(text: string): InkboxApiErrorDetail {
  if (text.trim() === '') return null;
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object' && 'detail' in body)
      return (body as { detail: InkboxApiErrorDetail }).detail ?? null;
    return body !== null && typeof body === 'object' ? (body as { [key: string]: unknown }) : String(body);
  } catch {
    return text.length > MAX_TEXT_DETAIL ? `${text.slice(0, MAX_TEXT_DETAIL)}…` : text;
  }
}

/** Names what went wrong with a fetch that produced no complete answer. */
export function classifyFailure(error: unknown): InkboxConnectionFailure {
  if (propertyOf(error, 'name') === 'TimeoutError') return 'timeout';
  const code = errorCode(error);
  if (code === 'ECONNREFUSED') return 'connection-refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return 'timeout';
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED')
    return 'connection-closed';
  if (propertyOf(error, 'message') === 'terminated') return 'connection-closed';
  return 'network';
}

/** The first string `code` along the error's `cause` chain (undici puts the socket error there). */
function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = propertyOf(current, 'code');
    if (code !== undefined) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A string property of an error-like value; errors may come from another realm, so no `instanceof`. */
function propertyOf(value: unknown, key: 'name' | 'message' | 'code'): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

function withAttempts(error: unknown, attempts: number): unknown {
  if ((InkboxApiError.isInstance(error) || InkboxConnectionError.isInstance(error)) && attempts > 1) {
    error.attempts = attempts;
    error.message = `${error.message} (gave up after ${attempts} attempts)`;
  }
  return error;
}

function summarize(error: unknown): string {
  if (InkboxApiError.isInstance(error)) return `status ${error.status}`;
  if (InkboxConnectionError.isInstance(error)) return error.reason;
  return error instanceof Error ? error.name : 'error';
}
