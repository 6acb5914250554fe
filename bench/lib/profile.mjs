// Summarises a V8 .cpuprofile (from node --cpu-prof): self time by function and by package.
import { readFileSync } from 'node:fs';

function origin(url) {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    if (rest[0] === 'nestjs-inkbox') return `nestjs-inkbox/${rest.slice(3).join('/')}`;
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (internals)';
  return url.replace(/^file:\/\//, '');
}

/** @returns {{ totalMs: number, byFunction: Array<{name:string, where:string, ms:number, share:number}>, byOrigin: Array<{where:string, ms:number, share:number}> }} */
export function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  const byFn = new Map();
  const byOrigin = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const node = nodes.get(id);
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    total += us;
    const where = origin(node.callFrame.url);
    const key = `${name} @ ${where}:${node.callFrame.lineNumber + 1}`;
    byFn.set(key, { name, where: `${where}:${node.callFrame.lineNumber + 1}`, us: (byFn.get(key)?.us ?? 0) + us });
    const group = name.startsWith('(') ? name : where;
    byOrigin.set(group, (byOrigin.get(group) ?? 0) + us);
  }
  const pct = (us) => Math.round((1000 * us) / total) / 10;
  return {
    totalMs: total / 1000,
    byFunction: [...byFn.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: pct(f.us) })),
    byOrigin: [...byOrigin]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([where, us]) => ({ where, ms: us / 1000, share: pct(us) })),
  };
}
