// How busy the machine was with work other than the harness's own, during a run.
//
// The harness keeps about two cores busy itself (a server on one CPU, the load generator on the
// other), so the load average at the end of a run says little about other work. Instead the busy
// CPU time of the whole machine (/proc/stat) is read at start and end, and the CPU time of the
// harness is taken off: this process (all threads), its children that were reaped (cutime + cstime
// of /proc/self/stat), its children still alive (their own /proc/<pid>/stat), and any other process
// it drives (e.g. a redis-server on this machine, by pid). What is left, over the wall time, is the
// average number of cores other work kept busy. Without /proc (off Linux) nothing is measured.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { readCpuSeconds, ticksPerSecond } from './server-process.mjs';

/** A run is a busy one when the 1-minute load average at its start is above this. */
export const START_LOAD_MAX = 1.0;
/** A run is a busy one when other work kept more than this many cores busy on average during it. */
export const OTHER_LOAD_MAX = 0.5;

/**
 * Busy CPU seconds of the whole machine so far: user + nice + system + irq + softirq of the `cpu`
 * line (guest time is part of user). irq and softirq are in: where the kernel does not account
 * them apart (no CONFIG_IRQ_TIME_ACCOUNTING) a tick in them is also charged to the process it
 * interrupted, so the run's own figures hold them too; where it does, the run's loopback traffic
 * shows up as a little other work, which errs on the safe side. steal is the hypervisor's.
 * Undefined without /proc/stat.
 */
export function readMachineBusySeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) of this process and of its children that were reaped, so far. */
export function readOwnSeconds() {
  const { user, system } = process.cpuUsage();
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17
  return (user + system) / 1e6 + (Number(fields[13]) + Number(fields[14])) / ticksPerSecond();
}

/** Pids of this process's live (or not yet reaped) children, from /proc. */
export function childPids(parent = process.pid) {
  const pids = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function snapshot(extraPids) {
  const machine = readMachineBusySeconds();
  if (machine === undefined) return undefined;
  // live children and driven processes: their CPU so far; a child reaped later shows up in cutime
  // with its whole life, so what it had used at the start is taken off again at the end
  const live = new Map();
  for (const pid of [...childPids(), ...extraPids()]) {
    const seconds = readCpuSeconds(pid);
    if (seconds !== undefined) live.set(pid, seconds);
  }
  return { machine, own: readOwnSeconds(), live, wall: performance.now() };
}

/**
 * Measures other work's load between start() and stop(). `extraPids()` names processes the run
 * drives that are not its children (e.g. a local redis-server); their CPU counts as the run's own.
 */
export class OtherWorkMeter {
  constructor({ extraPids = () => [] } = {}) {
    this.extraPids = extraPids;
  }

  start() {
    this.begin = snapshot(this.extraPids);
    this.loadStart = os.loadavg();
    return this;
  }

  /**
   * @returns {{ loadStart: number[], loadEnd: number[], seconds?: number, machineLoad?: number,
   *   ownLoad?: number, otherLoad?: number }}  the *Load figures are average busy cores (undefined off Linux)
   */
  stop() {
    const loadEnd = os.loadavg();
    const end = snapshot(this.extraPids);
    const result = { loadStart: this.loadStart, loadEnd };
    if (!this.begin || !end) return result;
    const seconds = (end.wall - this.begin.wall) / 1000;
    // a pid alive at both ends counts its difference; one alive only at the start was reaped, so
    // its whole life is in cutime: its CPU at the start is taken off
    let liveSeconds = 0;
    for (const used of end.live.values()) liveSeconds += used;
    for (const used of this.begin.live.values()) liveSeconds -= used;
    const own = end.own - this.begin.own + liveSeconds;
    const machine = end.machine - this.begin.machine;
    return {
      ...result,
      seconds,
      machineLoad: machine / seconds,
      ownLoad: own / seconds,
      otherLoad: Math.max(0, machine - own) / seconds,
    };
  }
}

/**
 * The verdict on a run: busy when the load average at its start or other work's load during it
 * passed its bound. Off Linux only the start is judged (and where there is no load average, nothing).
 */
export function judgeLoad(figures) {
  const reasons = [];
  const measured = !(process.platform === 'win32' && figures.loadStart.every((l) => l === 0));
  if (measured && figures.loadStart[0] > START_LOAD_MAX)
    reasons.push(`the 1-minute load average was ${figures.loadStart[0].toFixed(2)} at the start (> ${START_LOAD_MAX})`);
  if (figures.otherLoad !== undefined && figures.otherLoad > OTHER_LOAD_MAX)
    reasons.push(`other work kept ${figures.otherLoad.toFixed(2)} cores busy on average (> ${OTHER_LOAD_MAX})`);
  return { busy: reasons.length > 0, reasons, measured };
}
