// Type-checks every TypeScript block of README.md and docs/*.md against the built package, as an app
// would import it ('nestjs-inkbox', 'nestjs-inkbox/testing'). Run `npm run build` first (check:docs does).
//
// A block is a fence opening with ```ts; words after `ts` choose how it is checked:
//   ```ts            as an ES module app ("type": "module", nodenext) — the default
//   ```ts cjs        as a CommonJS app (nodenext, "type": "commonjs"; Jest globals available)
//   ```ts esm cjs    both
//   ```ts nocheck    not checked (say in the text why it cannot compile)
// A block whose first line is a comment naming a file (`// src/app.module.ts`) is written at that path,
// so the blocks of one page that import each other (`./app.module.js`) compile together. When a page
// names the same file again, a new project starts from the files named so far, the file replaced.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, '.tmp', 'check-docs');
const FENCE = /^```(?:ts|typescript)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;
const FILE_COMMENT = /^\/\/\s*((?:[\w.-]+\/)*[\w.-]+\.(?:ts|mts|cts))\b/;

const COMPILER_OPTIONS = {
  target: 'ES2022',
  module: 'nodenext',
  moduleResolution: 'nodenext',
  strict: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  skipLibCheck: true,
  noEmit: true,
  esModuleInterop: true,
};
const MODES = {
  esm: { packageType: 'module', types: ['node'] },
  cjs: { packageType: 'commonjs', types: ['node', 'jest'] },
};

/** The pages to check: README.md and every docs/*.md. */
function pages() {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join('docs', name))
    : [];
  return ['README.md', ...docs.sort()];
}

/** The checked blocks of one page: code, modes, the line it starts on, and its file name if any. */
function blocks(page) {
  const text = readFileSync(join(root, page), 'utf8');
  const found = [];
  for (const match of text.matchAll(FENCE)) {
    const words = match[1].trim().split(/\s+/).filter(Boolean);
    if (words.includes('nocheck')) continue;
    const modes = words.filter((word) => word in MODES);
    const line = text.slice(0, match.index).split('\n').length + 1;
    const file = FILE_COMMENT.exec(match[2])?.[1];
    found.push({ code: match[2], modes: modes.length > 0 ? modes : ['esm'], line, file });
  }
  return found;
}

/** Groups a page's blocks of one mode into projects (see the header). */
function projects(pageBlocks) {
  const result = [];
  let files = new Map();
  let unnamed = 0;
  for (const block of pageBlocks) {
    const path = block.file ?? `snippet-${++unnamed}.ts`;
    if (files.has(path)) {
      result.push(files);
      files = new Map(files);
    }
    files.set(path, block);
  }
  if (files.size > 0) result.push(files);
  return result;
}

function writeProjects(mode) {
  const base = join(work, mode);
  const origins = new Map();
  for (const page of pages()) {
    const pageBlocks = blocks(page).filter((block) => block.modes.includes(mode));
    projects(pageBlocks).forEach((files, index) => {
      const dir = join(base, page.replace(/[/.]/g, '_'), String(index + 1));
      for (const [path, block] of files) {
        const target = join(dir, path);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, block.code);
        origins.set(relative(base, target), { page, line: block.line });
      }
    });
  }
  writeFileSync(join(base, 'package.json'), JSON.stringify({ type: MODES[mode].packageType }));
  const tsconfig = { compilerOptions: { ...COMPILER_OPTIONS, types: MODES[mode].types }, include: ['**/*.ts'] };
  writeFileSync(join(base, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  return origins;
}

/** Runs tsc on one mode's projects; prints errors at their place in the Markdown. */
function check(mode, origins) {
  if (origins.size === 0) return 0;
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', join(work, mode, 'tsconfig.json')], {
      cwd: join(work, mode),
      encoding: 'utf8',
    });
    console.log(`check-docs ${mode}: ${origins.size} blocks compile`);
    return 0;
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    let count = 0;
    for (const line of output.split('\n')) {
      const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
      const origin = m && origins.get(m[1]);
      if (origin) {
        count++;
        console.error(`${origin.page}:${origin.line + Number(m[2]) - 1}:${m[3]} (${mode}) ${m[4]}`);
      } else if (line.trim() !== '' && !/^\s/.test(line)) {
        console.error(`(${mode}) ${line}`);
      }
    }
    console.error(`check-docs ${mode}: ${count || 'some'} errors`);
    return 1;
  }
}

if (!existsSync(join(root, 'dist', 'esm', 'index.d.ts'))) {
  console.error('dist/ is missing: run npm run build first (npm run check:docs does).');
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'node_modules'), { recursive: true });
// The package as an app resolves it: through its exports map, to the built files.
symlinkSync(root, join(work, 'node_modules', 'nestjs-inkbox'), 'dir');
let failures = 0;
for (const mode of Object.keys(MODES)) failures += check(mode, writeProjects(mode));
process.exit(failures > 0 ? 1 : 0);
