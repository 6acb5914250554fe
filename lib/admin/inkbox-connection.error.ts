import type { InkboxHttpMethod } from './inkbox-http-method.js';

/** Why a request got no (complete) answer. */
export type InkboxConnectionFailure = 'timeout' | 'connection-refused' | 'connection-closed' | 'dns' | 'network';

/** What an {@link InkboxConnectionError} is built from. */
export interface InkboxConnectionErrorInit {
  /** What went wrong. */
  reason: InkboxConnectionFailure;
  /** Method of the failed request. */
  method: InkboxHttpMethod;
  /** Path of the failed request. */
  path: string;
  /** Host (and port) of the API, for the message. */
  host: string;
  /** The per-request timeout in force, in ms. */
  timeoutMs: number;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * The Inkbox API could not be reached or did not answer in time: a timeout, a refused connection,
 * a connection closed before the answer was complete, or a host name that does not resolve.
 * The message says which; it never contains the API key.
 */
export class InkboxConnectionError extends Error {
  /** What went wrong. */
  readonly reason: InkboxConnectionFailure;
  /** Method of the failed request. */
  readonly method: InkboxHttpMethod;
  /** Path of the failed request (no host, no query). */
  readonly path: string;
  /** How many attempts were made before giving up (1 when the call was not retried). */
  attempts = 1;

  constructor(init: InkboxConnectionErrorInit) {
    super(`Inkbox API ${init.method} ${init.path} failed: ${explain(init)}`, { cause: init.cause });
    this.name = 'InkboxConnectionError';
    this.reason = init.reason;
    this.method = init.method;
    this.path = init.path;
  }

  /** True for an `InkboxConnectionError`, also one from another copy of this package (no `instanceof`). */
  static isInstance(value: unknown): value is InkboxConnectionError {
    return value instanceof Error && value.name === 'InkboxConnectionError' && typeof (value as InkboxConnectionError).reason === 'string';
  }
}

function explain(init: InkboxConnectionErrorInit): string {
  switch (init.reason) {
    case 'timeout':
      return `timed out: no complete answer within ${init.timeoutMs} ms (the apiTimeoutMs option).`;
    case 'connection-refused':
      return `connection refused by ${init.host} (check the apiBaseUrl option).`;
    case 'connection-closed':
      return `the connection to ${init.host} was closed before a complete answer arrived.`;
    case 'dns':
      return `the host name ${init.host} could not be resolved (check the apiBaseUrl option).`;
    default:
      return `network error talking to ${init.host}${causeMessage(init.cause)}.`;
  }
}

function causeMessage(cause: unknown): string {
  const outer = cause as { message?: unknown; cause?: { message?: unknown } } | null | undefined;
  const message = outer?.cause?.message ?? outer?.message;
  return typeof message === 'string' && message !== '' ? ` (${message})` : '';
}
