import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
// A private build, compiled with the package's own tsconfig.build.json: other suites (the packaging
// test) rebuild and delete dist/ while running, so the CLI under test is not run from there.
const OUT = join(ROOT, '.tmp/cli-spec-build');
/** The built CLI entry, as package.json's `bin` points to it inside dist/cjs. */
export const CLI = join(OUT, 'cjs/cli/main.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Compiles lib/ to CommonJS (as `npm run build` does for dist/cjs) when the build is missing or older than a source. */
export function ensureBuiltCli(): string {
  if (existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(ROOT, 'lib'))) return CLI;
  const staging = `${OUT}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(staging, 'cjs')], {
      cwd: ROOT,
      stdio: 'pipe',
      timeout: 180_000,
    });
  } catch (error) {
    // Type errors elsewhere in lib/ still emit JavaScript; only a missing CLI is fatal here.
    if (!existsSync(join(staging, 'cjs/cli/main.js'))) throw error;
  }
  writeFileSync(join(staging, 'cjs/package.json'), JSON.stringify({ type: 'commonjs' }) + '\n');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  rmSync(OUT, { recursive: true, force: true });
  renameSync(staging, OUT);
  return CLI;
}

/** What one run of the CLI did. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process (asynchronously, so an app in this process keeps serving). */
export function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 20_000,
): Promise<CliRun> {
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries({
    ...process.env,
    INKBOX_SIGNING_KEY: undefined,
    INKBOX_API_KEY: undefined,
    INKBOX_API_BASE_URL: undefined,
    ...env,
  })) {
    if (value !== undefined) childEnv[name] = value;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: childEnv, timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
