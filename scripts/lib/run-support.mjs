// Set-up shared by the load runs (scripts/load.mjs, scripts/load-queue.mjs) and bench/queue.mjs:
// building the library once, free ports, a redis-server of their own, child processes that never
// outlive the run, and signed delivery headers. 127.0.0.1 only.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Compiles lib/ as CommonJS into `<outDir>/cjs` (the emit of tsconfig.build.json, no type check:
 * that is `npm run typecheck`'s job) and returns the path of its index.js. `reuse`: keep a build
 * that exists (e.g. LOAD_SKIP_BUILD=1). When tsc fails but an earlier build exists, that one is used.
 */
export function buildLibraryCjs(root, outDir, { reuse = false, log = () => undefined } = {}) {
  const index = join(outDir, 'cjs', 'index.js');
  if (reuse && existsSync(index)) return index;
  log(`building the library (CommonJS) into ${outDir} …`);
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const argv = [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', join(outDir, 'cjs'), '--noCheck'];
  try {
    execFileSync(process.execPath, [...argv, '--declaration', 'false', '--sourceMap', 'false'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    if (!existsSync(index))
      throw new Error(`tsc failed:\n${error.stdout ?? ''}${error.stderr ?? ''}`, { cause: error });
    log('tsc failed; running with the build that was there');
  }
  mkdirSync(join(outDir, 'cjs'), { recursive: true });
  writeFileSync(join(outDir, 'cjs', 'package.json'), '{"type":"commonjs"}\n');
  return index;
}

/** A TCP port of 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts a connection on 127.0.0.1:port. */
export function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The child processes of a run: `track(child)` keeps one until it exits; `killAll()` sends SIGKILL
 * to those left, and runs by itself when this process exits.
 */
export function childProcesses() {
  const live = new Set();
  const killAll = () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', killAll);
  return {
    track(child) {
      live.add(child);
      child.once('exit', () => live.delete(child));
      return child;
    },
    killAll,
  };
}

/** Starts a redis-server of the run's own on 127.0.0.1:port (no persistence); resolves once it accepts connections. */
export async function startRedisServer(port, children) {
  const child = children.track(
    spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    }),
  );
  let failed;
  child.once('error', (error) => (failed = error));
  for (let attempt = 0; attempt < 100; attempt++) {
    if (failed)
      throw new Error(`could not start redis-server (${failed.message}); install it (apt-get install -y redis-server)`);
    if (await canConnect(port)) return child;
    await sleep(50);
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

/** Stops a redis-server started by startRedisServer at once (SIGKILL), as a crash would. */
export async function killRedisServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** REDIS_URL when set, else the URL of a redis-server of the run's own on a free port. */
export async function redisUrlOrOwn(children) {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  const port = await freePort();
  await startRedisServer(port, children);
  return `redis://127.0.0.1:${port}`;
}

/**
 * Headers of a delivery signed as Inkbox signs it, afresh for every attempt: a new request id and
 * the current timestamp, HMAC-SHA256 over `{requestId}.{timestamp}.` and the body.
 */
export function signedHeaders(body, signingKey) {
  const requestId = randomUUID();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const mac = createHmac('sha256', Buffer.from(signingKey.replace(/^whsec_/, ''), 'utf8'))
    .update(`${requestId}.${timestamp}.`)
    .update(body)
    .digest('hex');
  return {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Inkbox-Request-ID': requestId,
    'X-Inkbox-Timestamp': timestamp,
    'X-Inkbox-Signature': `sha256=${mac}`,
  };
}
