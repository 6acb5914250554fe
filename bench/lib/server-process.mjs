// Starts one benchmark server in its own process (optionally pinned to one CPU), waits until it
// listens, samples its memory from /proc, and stops it.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

const START_TIMEOUT_MS = 30_000;

/** VmRSS and VmHWM (peak resident set) of a process, in bytes; undefined where /proc is unavailable. */
export function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => {
      const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    };
    return { rss: kib('VmRSS'), peak: kib('VmHWM') };
  } catch {
    return { rss: undefined, peak: undefined };
  }
}

let clockTicks;
/** Clock ticks per second of /proc's CPU figures (getconf CLK_TCK, usually 100). */
export function ticksPerSecond() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** CPU time (user + system, all threads) a process has used so far, in seconds; undefined without /proc. */
export function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is the state (field 3 of stat); utime and stime are fields 14 and 15
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

export class ServerProcess {
  /**
   * @param {object} o
   * @param {string} o.script  server file
   * @param {string} o.variant server variant
   * @param {Record<string,string>} o.env extra environment
   * @param {string[]} [o.cpuPrefix] e.g. ['taskset', '-c', '1'] to pin it
   * @param {string[]} [o.nodeArgs] e.g. ['--cpu-prof']
   * @param {string} o.cwd
   */
  constructor(o) {
    this.o = o;
    this.stderr = '';
    this.samples = [];
  }

  async start() {
    const { script, variant, env, cpuPrefix = [], nodeArgs = [], cwd } = this.o;
    const argv = [...cpuPrefix, process.execPath, ...nodeArgs, script, variant];
    this.child = spawn(argv[0], argv.slice(1), {
      cwd,
      env: { ...process.env, ...env, NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stderr.on('data', (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-8000);
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    this.port = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`${variant} did not start within ${START_TIMEOUT_MS} ms\n${this.stderr}`)),
        START_TIMEOUT_MS,
      );
      this.child.stdout.on('data', (chunk) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (!line) return;
        try {
          const msg = JSON.parse(line);
          if (msg.ready) {
            clearTimeout(timer);
            resolve(msg.port);
          }
        } catch {
          // a partial line
        }
      });
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${variant} exited with code ${code} before listening\n${this.stderr}`));
      });
    });
    return this;
  }

  get pid() {
    return this.child.pid;
  }

  memory() {
    return readMemory(this.pid);
  }

  cpuSeconds() {
    return readCpuSeconds(this.pid);
  }

  /** Samples VmRSS every `everyMs` until stopSampling(); returns the sample list (t ms, rss bytes). */
  startSampling(everyMs = 100) {
    const t0 = Date.now();
    this.samples = [];
    this.sampler = setInterval(() => {
      const { rss } = this.memory();
      if (rss !== undefined) this.samples.push({ t: Date.now() - t0, rss });
    }, everyMs);
    return this.samples;
  }

  stopSampling() {
    clearInterval(this.sampler);
    return this.samples;
  }

  /** GET /__bench/stats of the server (`gc`: collect garbage first, when the server runs with --expose-gc). */
  stats({ gc = false } = {}) {
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, path: `/__bench/stats${gc ? '?gc=1' : ''}`, method: 'GET' },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c) => (body += c));
          res.on('end', () => {
            try {
              resolve(JSON.parse(body));
            } catch (error) {
              reject(new Error(`stats: ${res.statusCode} ${body.slice(0, 200)}`));
            }
          });
        },
      );
      req.on('error', reject);
      req.setTimeout(10_000, () => req.destroy(new Error('stats timed out')));
      req.end();
    });
  }

  signal(name) {
    this.child.kill(name);
  }

  async stop() {
    if (!this.child || this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}
