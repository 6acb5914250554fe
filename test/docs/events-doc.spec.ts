import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');
const DOC = join(ROOT, 'docs/events.md');

/** The ```ts blocks of the document, each with the file name its siblings import it by. */
function snippets(markdown: string): Array<{ name: string; code: string }> {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.map((code, i) => {
    const exported = /export class (\w+)/.exec(code)?.[1];
    const name = exported ? exported.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase() : `snippet-${i}`;
    return { name, code };
  });
}

describe('docs/events.md', () => {
  let dir: string;
  beforeAll(() => {
    // inside the repository (ignored .tmp/), so the snippets resolve @nestjs/* from its node_modules
    mkdirSync(join(ROOT, '.tmp'), { recursive: true });
    dir = mkdtempSync(join(ROOT, '.tmp/docs-snippets-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has TypeScript snippets that compile against the package as written', () => {
    const blocks = snippets(readFileSync(DOC, 'utf8'));
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    const files = blocks.map(({ name, code }) => {
      const file = join(dir, `${name}.ts`);
      // the package's entry points, resolved to the sources
      const source = code
        .replace(/from 'nestjs-inkbox\/testing'/g, `from '${join(ROOT, 'lib/testing/index.js')}'`)
        .replace(/from 'nestjs-inkbox'/g, `from '${join(ROOT, 'lib/index.js')}'`)
        .replace(/from '\.\/([\w-]+)'/g, "from './$1.js'");
      writeFileSync(file, source);
      return file;
    });
    const config = ts.getParsedCommandLineOfConfigFile(
      join(ROOT, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    )!;
    const program = ts.createProgram(files, { ...config.options, noEmit: true, rootDir: ROOT, types: ['node'] });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file ? `${d.file.fileName.slice(dir.length + 1)}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(problems).toEqual([]);
  });
});
