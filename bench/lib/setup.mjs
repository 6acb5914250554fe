// Installs the harness's own dependencies (Nest 11, the peer) and builds the library from this
// tree into a package directory named nestjs-inkbox inside a node_modules folder: under
// bench/node_modules it resolves the harness's Nest 11, under the root node_modules/.cache (for
// --nest12) the project's Nest 12; the servers load it as users do (`require('nestjs-inkbox')`).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export function ensureDependencies(benchDir, log) {
  const marker = join(benchDir, 'node_modules', '@golevelup', 'nestjs-stripe', 'package.json');
  const lock = join(benchDir, 'package-lock.json');
  const installed = join(benchDir, 'node_modules', '.package-lock.json');
  const stale =
    existsSync(lock) && existsSync(installed) && statSync(lock).mtimeMs > statSync(installed).mtimeMs + 1000;
  if (existsSync(marker) && !stale) return false;
  log('installing the harness dependencies (bench/package.json: Nest 11, @golevelup/nestjs-stripe) …');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: benchDir,
    stdio: 'inherit',
  });
  return true;
}

function listSources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listSources(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) out.push(path);
  }
  return out;
}

/**
 * Compiles lib/ with the project's tsconfig.build.json (the emit of the published CommonJS build;
 * type checking is `npm run typecheck`'s job) unless the sources did not change since the last build.
 */
export function buildLibrary(root, outDir, { force, log }) {
  const inputs = [
    ...listSources(join(root, 'lib')),
    join(root, 'tsconfig.json'),
    join(root, 'tsconfig.build.json'),
  ].sort();
  const fingerprint = createHash('sha256');
  for (const file of inputs) fingerprint.update(`${relative(root, file)}\0`).update(readFileSync(file));
  const digest = fingerprint.digest('hex');
  const stamp = join(outDir, '.built-from');
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return { built: false, outDir };
  log('building the library from lib/ (tsconfig.build.json) …');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(
    process.execPath,
    [
      tsc,
      '-p',
      join(root, 'tsconfig.build.json'),
      '--outDir',
      join(outDir, 'dist', 'cjs'),
      '--noCheck',
      '--sourceMap',
      'false',
      '--declaration',
      'false',
    ],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(outDir, 'dist', 'cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  writeFileSync(
    join(outDir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'nestjs-inkbox',
        version: rootPkg.version,
        private: true,
        main: './dist/cjs/index.js',
        exports: {
          '.': './dist/cjs/index.js',
          './testing': './dist/cjs/testing/index.js',
          './dist/cjs/*': './dist/cjs/*',
          './package.json': './package.json',
        },
      },
      null,
      2,
    )}\n`,
  );
  writeFileSync(stamp, digest);
  return { built: true, outDir, version: rootPkg.version };
}
