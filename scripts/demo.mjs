// npm run demo: builds and packs the library, installs it into sample/ from the tarball as a user
// would, starts the sample on a free loopback port, sends it signed deliveries with the packaged CLI,
// prints what it answered and what it recorded, and exits 0 only if everything was as expected.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sample = join(root, 'sample');
const work = join(root, '.tmp', 'demo');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const children = new Set();

const MAILBOX = 'support@inkboxmail.com';
const SIGNING_KEY = `whsec_demo_${randomBytes(16).toString('hex')}`;
const FORGED_KEY = `whsec_forged_${randomBytes(16).toString('hex')}`;

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs a command, output captured; resolves with it, rejects (with the output) on a non-zero exit. */
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      children.delete(child);
      reject(Object.assign(error, { stdout, stderr }));
    });
    child.on('close', (code) => {
      children.delete(child);
      if (code === 0 || options.allowFailure) resolve({ code, stdout, stderr });
      else reject(Object.assign(new Error(`${command} ${args.join(' ')} exited with ${code}`), { stdout, stderr }));
    });
  });
}

async function step(title, action) {
  const t0 = Date.now();
  process.stdout.write(`  ${title.padEnd(40)}`);
  try {
    const note = await action();
    process.stdout.write(`done ${seconds(Date.now() - t0).padStart(7)}${note ? `  ${note}` : ''}\n`);
  } catch (error) {
    process.stdout.write('FAILED\n\n');
    if (error.stdout) process.stdout.write(error.stdout);
    if (error.stderr) process.stderr.write(error.stderr);
    throw error;
  }
}

function newestMtime(dir, filter) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, filter));
    else if (filter(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function libraryIsBuilt() {
  // build.mjs writes the two package.json markers last, so they exist only after a complete build.
  const outputs = [
    'dist/cjs/cli/main.js',
    'dist/cjs/index.js',
    'dist/esm/index.js',
    'dist/cjs/package.json',
    'dist/esm/package.json',
  ].map((p) => join(root, p));
  if (!outputs.every((p) => existsSync(p))) return false;
  const oldest = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return oldest >= newestMtime(join(root, 'lib'), (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.json() };
}

function startSample(port, dbPath) {
  const env = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    INKBOX_SIGNING_KEY: SIGNING_KEY,
    SAMPLE_DB_PATH: dbPath,
    NO_COLOR: '1',
  };
  const child = spawn(process.execPath, ['dist/main.js'], { cwd: sample, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const state = { child, log: '', exited: false };
  child.stdout.on('data', (d) => (state.log += d));
  child.stderr.on('data', (d) => (state.log += d));
  child.on('exit', () => {
    state.exited = true;
    children.delete(child);
  });
  return state;
}

async function waitUntilUp(app, base) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (app.exited) throw Object.assign(new Error('the sample exited while starting'), { stdout: app.log });
    try {
      const res = await fetch(`${base}/mailboxes`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw Object.assign(new Error('the sample did not answer within 30 s'), { stdout: app.log });
}

async function stopSample(app) {
  if (app.exited) return;
  const exited = new Promise((resolve) => app.child.once('exit', resolve));
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function table(rows, columns) {
  const widths = columns.map((c) => Math.max(c.title.length, ...rows.map((r) => String(r[c.key]).length)));
  const line = (cells) =>
    `  ${cells
      .map((cell, i) => String(cell).padEnd(widths[i]))
      .join('  ')
      .trimEnd()}`;
  return [
    line(columns.map((c) => c.title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => r[c.key]))),
  ].join('\n');
}

function shorten(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

async function main() {
  console.log('nestjs-inkbox demo: the sample app receiving signed Inkbox webhooks\n');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });

  let tarball;
  await step('build the library', async () => {
    if (libraryIsBuilt()) return '(dist/ is up to date)';
    await run(process.execPath, [join(root, 'scripts/build.mjs')]);
    return undefined;
  });
  await step('pack it (npm pack)', async () => {
    const { stdout } = await run(npm, ['pack', '--json', '--pack-destination', work]);
    tarball = JSON.parse(stdout)[0].filename;
    copyFileSync(join(work, tarball), join(sample, 'nestjs-inkbox.tgz'));
    return tarball;
  });
  await step("install the sample's dependencies", async () => {
    // The tarball changes on every pack: drop the installed copy so npm unpacks the new one.
    rmSync(join(sample, 'node_modules', 'nestjs-inkbox'), { recursive: true, force: true });
    const addon = join(sample, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const firstInstall = !existsSync(addon);
    // better-sqlite3 compiles SQLite from source on the first install. The demo needs it built
    // quickly, not fast at run time: unoptimised, that takes half as long.
    const env = firstInstall ? { ...process.env, CFLAGS: '-O0', CXXFLAGS: '-O0' } : process.env;
    await run(
      npm,
      ['install', '--no-package-lock', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: sample, env },
    );
    if (!existsSync(addon))
      throw new Error(
        'better-sqlite3 was installed but its native addon was not built (were install scripts blocked?)',
      );
    return firstInstall ? '(first install: SQLite compiled)' : undefined;
  });
  await step('build the sample (tsc)', async () => {
    await run(process.execPath, [join(sample, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: sample,
    });
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const url = `${base}/inkbox/webhooks`;
  const app = startSample(port, join(work, 'sample.db'));
  const cleanup = () => {
    for (const child of children) child.kill('SIGKILL');
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });

  try {
    await step('start the sample', async () => {
      await waitUntilUp(app, base);
      return base;
    });

    const installed = join(sample, 'node_modules', 'nestjs-inkbox');
    const cli = join(installed, JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).bin['nestjs-inkbox']);
    const send = async (args, key) => {
      const { code, stdout, stderr } = await run(process.execPath, [cli, 'send', ...args, '--url', url, '--json'], {
        env: { ...process.env, INKBOX_SIGNING_KEY: key },
        allowFailure: true,
      });
      if ([SIGNING_KEY, FORGED_KEY].some((k) => stdout.includes(k) || stderr.includes(k)))
        throw new Error('the CLI printed a signing key');
      try {
        return { code, ...JSON.parse(stdout) };
      } catch {
        throw Object.assign(new Error(`the CLI did not answer JSON (exit ${code})`), { stdout, stderr });
      }
    };

    console.log(`\nSending deliveries with the packaged CLI: nestjs-inkbox send <event-type> --url ${url}`);
    console.log('(the key comes from INKBOX_SIGNING_KEY; the forged row uses another key)\n');

    const plan = [
      { label: 'message.received', args: ['message.received'] },
      { label: 'message.sent', args: ['message.sent'] },
      {
        label: 'message.forwarded',
        args: ['message.forwarded', '--set', 'data.message.to_addresses=["billing@example.com"]'],
      },
      { label: 'message.delivered', args: ['message.delivered'] },
      {
        label: 'message.bounced',
        args: [
          'message.bounced',
          '--set',
          'data.message.to_addresses=["gone@example.net"]',
          '--set',
          'data.message.subject=Your March invoice',
        ],
      },
      {
        label: 'message.failed',
        args: [
          'message.failed',
          '--set',
          'data.message.to_addresses=["typo@exmaple.com"]',
          '--set',
          'data.message.subject=Welcome aboard',
        ],
      },
    ];
    const rows = [];
    const results = {};
    const record = (label, expected, result, matches) => {
      const answer =
        result.body?.outcome ??
        (Array.isArray(result.body?.message) ? result.body.message.join('; ') : result.body?.message) ??
        result.error ??
        result.text ??
        '';
      rows.push({
        label,
        expected,
        status: result.status ?? '-',
        answer: shorten(String(answer), 60),
        result: matches ? 'ok' : 'MISMATCH',
      });
      return matches;
    };
    let allMatch = true;
    for (const item of plan) {
      const result = await send(item.args, SIGNING_KEY);
      results[item.label] = result;
      allMatch =
        record(
          item.label,
          '200 processed',
          result,
          result.code === 0 && result.status === 200 && result.body?.outcome === 'processed',
        ) && allMatch;
    }
    const forged = await send(
      ['message.bounced', '--set', 'data.message.to_addresses=["forged@example.org"]'],
      FORGED_KEY,
    );
    allMatch =
      record('forged signature (wrong key)', '401', forged, forged.code === 1 && forged.status === 401) && allMatch;
    const bodyFile = join(work, 'delivered-body.json');
    writeFileSync(bodyFile, results['message.delivered'].request.body);
    const duplicate = await send(['--body', bodyFile], SIGNING_KEY);
    allMatch =
      record(
        'duplicate of message.delivered',
        '200 duplicate',
        duplicate,
        duplicate.code === 0 && duplicate.status === 200 && duplicate.body?.outcome === 'duplicate',
      ) && allMatch;

    console.log(
      table(rows, [
        { key: 'label', title: 'delivery' },
        { key: 'expected', title: 'expected' },
        { key: 'status', title: 'HTTP' },
        { key: 'answer', title: 'answer' },
        { key: 'result', title: 'result' },
      ]),
    );

    const { status, body } = await getJson(`${base}/mailboxes/${encodeURIComponent(MAILBOX)}`);
    console.log(`\nThe sample's record: GET /mailboxes/${MAILBOX} -> ${status}\n`);
    if (status === 200) {
      console.log(
        `  events per kind   ${Object.entries(body.counts)
          .map(([k, n]) => `${k} ${n}`)
          .join(' · ')}`,
      );
      for (const b of body.bouncedRecipients)
        console.log(
          `  bounced recipient ${b.address}: ${b.bounces} bounce(s), last ${b.lastBouncedAt} ("${b.lastSubject ?? ''}")`,
        );
      for (const f of body.failedMessages)
        console.log(`  failed message    "${f.subject ?? ''}" to ${f.recipients.join(', ')} at ${f.failedAt}`);
      console.log('  latest events');
      for (const e of body.recentEvents)
        console.log(`    ${e.kind.padEnd(10)} ${e.eventKey}  ${e.counterparties.join(', ')}`);
    } else {
      console.log(`  ${JSON.stringify(body)}`);
    }
    const all = await getJson(`${base}/mailboxes`);
    const countsOk =
      status === 200 && Object.values(body.counts).every((n) => n === 1) && Object.keys(body.counts).length === 6;
    const bouncesOk =
      status === 200 &&
      JSON.stringify(body.bouncedRecipients.map((b) => [b.address, b.bounces])) ===
        JSON.stringify([['gone@example.net', 1]]);
    const onlyMailbox = all.status === 200 && all.body.mailboxes.length === 1;
    const recordOk = countsOk && bouncesOk && onlyMailbox;
    console.log(
      `\n  ${recordOk ? 'ok' : 'MISMATCH'}: each of the six events recorded once; the forged delivery and the duplicate left no trace` +
        `${recordOk ? '' : ` (counts ${countsOk ? 'ok' : 'wrong'}, bounces ${bouncesOk ? 'ok' : 'wrong'}, mailboxes ${onlyMailbox ? 'ok' : 'wrong'})`}`,
    );

    console.log('');
    await step('stop the sample', async () => {
      await stopSample(app);
    });
    const passed = rows.filter((r) => r.result === 'ok').length;
    const success = allMatch && recordOk;
    console.log(
      `\n${passed} of ${rows.length} deliveries answered as expected; the record ${recordOk ? 'matches' : 'does not match'}. ` +
        `${success ? 'Demo passed' : 'Demo FAILED'} in ${seconds(Date.now() - started)}.`,
    );
    if (!success) {
      console.log("\nThe sample's log:\n");
      console.log(app.log);
    }
    process.exitCode = success ? 0 : 1;
  } finally {
    if (!app.exited) await stopSample(app);
  }
}

main().catch((error) => {
  for (const child of children) child.kill('SIGKILL');
  console.error(`\nDemo FAILED: ${error.message}`);
  process.exitCode = 1;
});
