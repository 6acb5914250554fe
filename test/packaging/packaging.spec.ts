import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
// Inside the repository, so that the consumer resolves the peer dependencies (@nestjs/*) the way an app does.
const WORK = join(ROOT, '.tmp/packaging');

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

describe('the packed tarball', () => {
  let consumer: string;

  beforeAll(() => {
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    run(process.execPath, [join(ROOT, 'scripts/build.mjs')], ROOT);
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', WORK], ROOT)) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    consumer = join(WORK, 'consumer');
    cpSync(join(__dirname, 'consumer'), consumer, { recursive: true });
    const modules = join(consumer, 'node_modules');
    mkdirSync(modules, { recursive: true });
    run('tar', ['-xzf', join(WORK, packed[0]!.filename), '-C', modules], ROOT);
    execFileSync('mv', [join(modules, 'package'), join(modules, 'nestjs-inkbox')]);
    expect(packed[0]!.files.map((f) => f.path)).toEqual(
      expect.arrayContaining([
        'dist/cjs/index.js',
        'dist/esm/index.js',
        'dist/esm/package.json',
        'dist/cjs/testing/index.d.ts',
        'README.md',
      ]),
    );
    expect(packed[0]!.files.some((f) => f.path.includes('.spec.'))).toBe(false);
  }, 180_000);

  afterAll(() => rmSync(WORK, { recursive: true, force: true }));

  it.each(['app.cjs', 'app.mjs'])('%s receives a signed event and rejects a forged one', (entry) => {
    const out = JSON.parse(run(process.execPath, [join(consumer, entry)], consumer).trim());
    expect(out.ok).toEqual([200, { outcome: 'processed' }]);
    expect(out.forged).toBe(401);
    expect(out.received).toEqual([{ className: 'MessageBouncedEvent', isBounce: true, id: out.eventId }]);
  });

  it('works without bullmq installed: inline delivery never loads it, queue mode says to install it', () => {
    const out = JSON.parse(run(process.execPath, [join(consumer, 'no-bullmq.cjs')], consumer).trim());
    expect(out.inline).toEqual([200, { outcome: 'processed' }]);
    expect(out.bullmqLoaded).toEqual([]);
    expect(out.queueError).toMatch(/needs the bullmq package: run `npm install bullmq`/);
  });

  it('the ESM consumer really loads the ESM build, and the CJS one the CJS build', () => {
    const probe = (code: string, type: 'cjs' | 'esm') =>
      run(process.execPath, type === 'esm' ? ['--input-type=module', '-e', code] : ['-e', code], consumer).trim();
    expect(probe(`import.meta.resolve && console.log(import.meta.resolve('nestjs-inkbox'))`, 'esm')).toMatch(
      /consumer\/node_modules\/nestjs-inkbox\/dist\/esm\/index\.js$/,
    );
    expect(probe(`console.log(require.resolve('nestjs-inkbox/testing'))`, 'cjs')).toMatch(
      /consumer\/node_modules\/nestjs-inkbox\/dist\/cjs\/testing\/index\.js$/,
    );
    expect(readdirSync(join(consumer, 'node_modules/nestjs-inkbox/dist'))).toEqual(['cjs', 'esm']);
  });

  it.each(['app.cjs', 'app.mjs'])(
    '%s works without the optional @opentelemetry/api (telemetry off), and turns it on when present',
    (entry) => {
      const hide = join(consumer, 'hide-opentelemetry.cjs');
      expect(() => run(process.execPath, ['--require', hide, '-e', "require('@opentelemetry/api')"], consumer)).toThrow(
        /Cannot find module '@opentelemetry\/api'/,
      );
      const out = JSON.parse(run(process.execPath, ['--require', hide, join(consumer, entry)], consumer).trim());
      expect(out.ok).toEqual([200, { outcome: 'processed' }]);
      expect(out.forged).toBe(401);
      const enabled = (args: string[]) =>
        run(
          process.execPath,
          [
            ...args,
            '--input-type=module',
            '-e',
            "import { InkboxTelemetry } from 'nestjs-inkbox'; console.log(new InkboxTelemetry().enabled)",
          ],
          consumer,
        ).trim();
      expect(enabled(['--require', hide])).toBe('false');
      expect(enabled([])).toBe('true');
    },
  );

  it('type-checks from TypeScript consumers in both module formats (exports map types)', () => {
    run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(consumer, 'tsconfig.json')],
      consumer,
    );
  });
});
