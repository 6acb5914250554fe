import { connect } from 'node:net';

/** A request written byte for byte: anything a client (or an attacker) could put on the wire. */
export interface RawRequest {
  method?: string;
  path: string;
  /** Header lines in order; a name may repeat; values may hold any bytes. */
  headers: Array<[string, string | Buffer]>;
  body?: Buffer;
  /** Send the body with chunked transfer encoding instead of Content-Length. */
  chunked?: boolean;
  /** Leave out Content-Length (it is added from the body otherwise, unless chunked or given). */
  noContentLength?: boolean;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: { statusCode?: number; message?: string | string[]; outcome?: string } | undefined;
}

/** Sends one raw HTTP/1.1 request over a fresh TCP connection and reads the whole answer. */
export function rawRequest(port: number, req: RawRequest, timeoutMs = 20_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms for ${req.method ?? 'POST'} ${req.path}`));
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (error) => {
      // The server may answer and close before it read everything we sent (e.g. 413): keep what came.
      if (chunks.length === 0) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.on('connect', () => {
      const body = req.body ?? Buffer.alloc(0);
      const lines: Buffer[] = [
        Buffer.from(
          `${req.method ?? 'POST'} ${req.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n`,
          'latin1',
        ),
      ];
      for (const [name, value] of req.headers) {
        lines.push(
          Buffer.concat([
            Buffer.from(`${name}: `, 'latin1'),
            typeof value === 'string' ? Buffer.from(value, 'latin1') : value,
            Buffer.from('\r\n'),
          ]),
        );
      }
      const hasLength = req.headers.some(([n]) => n.toLowerCase() === 'content-length');
      if (req.chunked) lines.push(Buffer.from('Transfer-Encoding: chunked\r\n'));
      else if (!hasLength && !req.noContentLength) lines.push(Buffer.from(`Content-Length: ${body.length}\r\n`));
      lines.push(Buffer.from('\r\n'));
      socket.write(Buffer.concat(lines));
      if (req.chunked) {
        const size = 64 * 1024;
        for (let i = 0; i < body.length; i += size) {
          const part = body.subarray(i, i + size);
          socket.write(Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]));
        }
        socket.write('0\r\n\r\n');
      } else if (body.length > 0) {
        socket.write(body);
      }
    });
  });
}

function parse(raw: Buffer): RawResponse {
  const end = raw.indexOf('\r\n\r\n');
  if (end === -1) throw new Error(`incomplete HTTP answer: ${JSON.stringify(raw.subarray(0, 200).toString('latin1'))}`);
  const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let payload = raw.subarray(end + 4);
  if (headers['transfer-encoding'] === 'chunked') payload = dechunk(payload);
  const body = payload.toString('utf8');
  let json: RawResponse['json'];
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (let guard = 0; guard < 100_000; guard++) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd === -1) break;
    const size = parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
