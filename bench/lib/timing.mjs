// Same-run timing of contenders: each is calibrated to blocks of about `blockMs`, then the
// contenders alternate block by block (the order reversing every round) and the median block of
// each is kept, so that slow changes in the machine's load hit all of them alike. What is measured
// is this process's CPU time (process.cpuUsage: user + system), not the wall clock: on a shared,
// busy machine the time spent waiting for a CPU is then left out.

function cpuNs() {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

export function median(values) {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Calls per block so that one block of `fn` lasts about `blockMs`. */
function calibrate(fn, blockMs) {
  let n = 1;
  for (;;) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (ms >= blockMs / 4 || n >= 1 << 24) return Math.max(1, Math.round((n * blockMs) / Math.max(ms, 0.001)));
    n *= 4;
  }
}

/** Median CPU ns per call of each contender ({ name: fn }), over `rounds` alternating rounds. */
export function compare(contenders, { rounds = 7, blockMs = 60 } = {}) {
  const names = Object.keys(contenders);
  const counts = {};
  for (const name of names) {
    for (let i = 0; i < 3; i++) contenders[name](); // warm
    counts[name] = calibrate(contenders[name], blockMs);
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const fn = contenders[name];
      const n = counts[name];
      const t = cpuNs();
      for (let i = 0; i < n; i++) fn();
      samples[name].push((cpuNs() - t) / n);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples[n])]));
}
