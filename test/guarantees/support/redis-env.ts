import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, createConnection } from 'node:net';

/**
 * The Redis that tests share, from `REDIS_URL`. Without it, Redis tests are skipped, unless
 * `CI_REQUIRE_REDIS=1`, in which case the suite fails with a message saying what is missing.
 */
export const REDIS_URL = process.env.REDIS_URL;
const REQUIRED = process.env.CI_REQUIRE_REDIS === '1';

/** `describe` when Redis is available; otherwise a skipped block or (in CI) a failing test. */
export function describeWithRedis(name: string, body: (url: string) => void): void {
  if (REDIS_URL) {
    describe(name, () => body(REDIS_URL));
    return;
  }
  if (REQUIRED) {
    describe(name, () => {
      it('needs Redis', () => {
        throw new Error(
          'CI_REQUIRE_REDIS=1 but REDIS_URL is not set: start redis-server and set REDIS_URL=redis://127.0.0.1:<port>.',
        );
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: set REDIS_URL to run)`, () => body('redis://unset'));
}

/** A free loopback TCP port (the OS picks it, then it is freed for the child to take). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A redis-server this test started itself (so it may kill it), on a loopback port. */
export class OwnRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free port (no persistence) and waits until it accepts connections. */
  static async start(port?: number): Promise<OwnRedis> {
    const redis = new OwnRedis(port ?? (await freePort()));
    await redis.restart();
    return redis;
  }

  /** (Re)starts the server on the same port. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    this.child = child;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.once('error', () => undefined);
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await canConnect(this.port)) return;
      if (child.exitCode !== null) break;
      await Promise.race([sleep(50), exited]);
    }
    throw new Error(`redis-server did not start on port ${this.port} (is it installed and on PATH?)`);
  }

  /** Kills the server at once (SIGKILL), as a crash would, and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}
