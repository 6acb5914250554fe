import type { INestApplication } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a raw request observed. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Listens on a loopback port and returns it. */
export async function listen(app: INestApplication): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

/**
 * Sends one request exactly as written (the path is not normalised: fragments, escapes and case
 * reach the server as given). `body` may be sent only in part with `sendBytes`, to prove that an
 * answer came before the body was read. Resolves with the answer; bounded by `timeoutMs`.
 */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string = '',
  options: { sendBytes?: number; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new Promise((resolve, reject) => {
    // a header given as '' is left out (e.g. content-length, to send the body chunked)
    const all = Object.fromEntries(
      Object.entries({ 'content-length': String(bytes.length), ...headers }).filter(([, v]) => v !== ''),
    );
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: all, agent: false });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer to ${method} ${path} within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => undefined);
    });
    req.on('error', (error) => {
      // an early answer may close the socket while the client still writes: the answer counts
      if ((error as NodeJS.ErrnoException).code !== 'EPIPE' && (error as NodeJS.ErrnoException).code !== 'ECONNRESET') {
        clearTimeout(timer);
        reject(error);
      }
    });
    if (options.sendBytes === undefined) req.end(bytes);
    else req.write(bytes.subarray(0, options.sendBytes)); // the rest never comes
  });
}
