import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';
import { ensureBuiltCli } from '../../cli/built-cli';
import { signInkboxWebhook } from '../../../lib/testing';

const ROOT = join(__dirname, '../../..');
const APP = join(ROOT, 'scripts/load/queue-app.cjs');

/** The library compiled to CommonJS (shared with the CLI tests' private build). */
export function builtLib(): string {
  return join(dirname(dirname(ensureBuiltCli())), 'index.js');
}

/** An app process of scripts/load/queue-app.cjs. */
export interface QueueProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts one app process and waits until it listens. */
export async function startQueueProcess(env: Record<string, string>): Promise<QueueProcess> {
  const child = fork(APP, [], {
    cwd: ROOT,
    env: { ...process.env, INKBOX_LIB: builtLib(), ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('app process did not start within 60 s')), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app process exited during startup (code ${code})`));
    });
    child.on('message', (m: { type?: string; port?: number; pid?: number }) => {
      if (m?.type === 'ready') {
        clearTimeout(timer);
        resolve({ port: m.port!, pid: m.pid! });
      }
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    ...ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.send({ cmd: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Sends one signed delivery to an app process; resolves with the status and body. */
export function deliver(port: number, payload: unknown, signingKey: string): Promise<{ status: number; body: string }> {
  const signed = signInkboxWebhook(payload, { signingKey });
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/inkbox/webhooks', headers: signed.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(signed.body);
  });
}

/** The per-(handler, event) counts the app processes wrote: runs and successes, and who succeeded. */
export async function readRecords(redis: Redis, prefix: string) {
  const toCounts = (h: Record<string, string>) => new Map(Object.entries(h).map(([k, v]) => [k, Number(v)]));
  return {
    runs: toCounts(await redis.hgetall(`${prefix}:runs`)),
    done: toCounts(await redis.hgetall(`${prefix}:done`)),
  };
}
