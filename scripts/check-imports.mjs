// Checks the import graph of lib/ (type-only imports included): no cycles, and the CLI (a production
// binary) never reaches the testing kit, directly or through another file. Prints each problem found.
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

/** Files reachable from `start`, with the path that reaches each. */
function reachable(start) {
  const paths = new Map([[start, [start]]]);
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const next of graph.get(file) ?? []) {
      if (paths.has(next)) continue;
      paths.set(next, [...paths.get(file), next]);
      queue.push(next);
    }
  }
  return paths;
}
const testing = join(root, 'testing') + '/';
const leaks = [...graph.keys()]
  .filter((file) => file.startsWith(join(root, 'cli') + '/'))
  .flatMap((file) =>
    [...reachable(file).entries()].filter(([target]) => target.startsWith(testing)).map(([, path]) => path),
  );
for (const path of leaks.slice(0, 5))
  console.error('the CLI imports the testing kit: ' + path.map((f) => relative(root, f)).join(' -> '));

if (cycles.length > 0 || leaks.length > 0) process.exit(1);
console.log(`lib/: no import cycles, and the CLI does not import the testing kit (${graph.size} files)`);
