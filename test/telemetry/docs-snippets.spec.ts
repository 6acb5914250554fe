import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const WORK = join(ROOT, '.tmp/docs-observability');

describe('docs/observability.md', () => {
  afterAll(() => rmSync(WORK, { recursive: true, force: true }));

  it('every TypeScript snippet compiles against the package', () => {
    const text = readFileSync(join(ROOT, 'docs/observability.md'), 'utf8');
    const snippets = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(snippets.length).toBeGreaterThanOrEqual(5);
    rmSync(WORK, { recursive: true, force: true });
    mkdirSync(WORK, { recursive: true });
    snippets.forEach((code, i) => writeFileSync(join(WORK, `snippet-${i + 1}.ts`), code));
    writeFileSync(
      join(WORK, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: {
          noEmit: true,
          rootDir: '../..',
          types: ['node'],
          paths: { 'nestjs-inkbox': ['../../lib/index.ts'] },
        },
        include: ['*.ts'],
      }),
    );
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(WORK, 'tsconfig.json')],
        { encoding: 'utf8', stdio: 'pipe' },
      );
    } catch (error) {
      throw new Error(`a snippet does not compile:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
    }
  }, 120_000);
});
