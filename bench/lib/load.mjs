// Drives one server with autocannon at a fixed concurrency for a fixed time, each request a
// distinct signed event taken from a SignedRequestSource, and checks every answer.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

/**
 * @param {object} o
 * @param {number} o.port
 * @param {string} o.path
 * @param {import('./requests.mjs').SignedRequestSource} o.source
 * @param {number} o.connections
 * @param {number} o.seconds
 * @param {number} o.expectStatus  e.g. 200
 * @param {string} o.expectBody    exact response body
 */
export async function runLoad(o) {
  const source = o.source;
  const request = {
    method: 'POST',
    path: o.path,
    setupRequest(req) {
      const next = source.next();
      req.headers = next.headers;
      req.body = next.body;
      return req;
    },
  };
  const statuses = new Map();
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://127.0.0.1:${o.port}`,
    connections: o.connections,
    pipelining: 1,
    duration: o.seconds,
    sampleInt: 250, // stop within a quarter second of the duration
    timeout: 20,
    requests: [request],
    verifyBody: (body) => body === o.expectBody,
    setupClient(client) {
      client.on('response', (statusCode) => statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1));
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wallUs = Number(process.hrtime.bigint() - wallBefore) / 1000;
  const ok = statuses.get(o.expectStatus) ?? 0;
  const elapsed = result.duration;
  return {
    rps: ok / elapsed,
    ok,
    elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    /** CPU time of the load generator (this process) over wall time: near 1 means it was the limit. */
    driverCpu: (cpu.user + cpu.system) / wallUs,
    statuses: Object.fromEntries(statuses),
    problems: {
      errors: result.errors,
      timeouts: result.timeouts,
      mismatches: result.mismatches,
      unexpectedStatus: [...statuses].filter(([s]) => s !== o.expectStatus).reduce((n, [, c]) => n + c, 0),
    },
  };
}

/** True when a run had no error, timeout, wrong status or wrong body. */
export function clean(run) {
  const p = run.problems;
  return p.errors === 0 && p.timeouts === 0 && p.mismatches === 0 && p.unexpectedStatus === 0 && run.ok > 0;
}
