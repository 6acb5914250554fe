// Fails when the import graph of lib/ has a cycle (type-only imports included): prints each cycle found.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'lib');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

function edges(file) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
}

const graph = new Map(sources(root).map((file) => [file, edges(file)]));
const state = new Map();
const cycles = [];
function visit(file, stack) {
  state.set(file, 'open');
  stack.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 'open') cycles.push(stack.slice(stack.indexOf(next)).concat(next));
    else if (!state.has(next)) visit(next, stack);
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file, []);

for (const cycle of cycles) console.error('import cycle: ' + cycle.map((f) => relative(root, f)).join(' -> '));
if (cycles.length > 0) process.exit(1);
console.log(`no import cycles in lib/ (${graph.size} files)`);
