import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time used by each party sharing this machine during a measured run, read from Linux's
 * /proc: what bounds a figure when the all-in-one process, PostgreSQL, Redis and the load
 * generator take turns on two cores. Where /proc cannot be read every figure is NaN and the
 * split is reported as not measured.
 */
export interface CpuSnapshot {
  /** ms of CPU, cumulative. */
  app: number;
  postgres: number;
  redis: number;
  /** This process: the load generator, signatures and the callback receiver. */
  bench: number;
  /** Jiffies of the whole machine, busy and in all. */
  machineBusy: number;
  machineAll: number;
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;
const ticksToMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS_PER_SECOND;

/** utime + stime of one process, in ticks; null when it is gone or unreadable. */
function processTicks(pid: string | number): { name: string; ticks: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  // Fields 14 and 15 of stat (utime, stime), counted after the ")" that ends the name.
  return { name: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
}

/** CPU time (ms) of every process whose name starts with `prefix` (e.g. all PostgreSQL backends). */
export function cpuOfProcessesNamed(prefix: string): number {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      const p = processTicks(pid);
      if (p?.name.startsWith(prefix)) ticks += p.ticks;
    }
    return ticksToMs(ticks);
  } catch {
    return Number.NaN;
  }
}

function machineTicks(): { busy: number; all: number } {
  try {
    const [, ...counts] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = counts.map(Number) as number[];
    const busy = user! + nice! + system! + irq! + softirq! + steal!;
    return { busy, all: busy + idle! + iowait! };
  } catch {
    return { busy: Number.NaN, all: Number.NaN };
  }
}

export function cpuSnapshot(appPid: number): CpuSnapshot {
  const own = process.cpuUsage();
  const machine = machineTicks();
  return {
    app: ticksToMs(processTicks(appPid)?.ticks ?? Number.NaN),
    postgres: cpuOfProcessesNamed('postgres'),
    redis: cpuOfProcessesNamed('redis-server'),
    bench: (own.user + own.system) / 1000,
    machineBusy: machine.busy,
    machineAll: machine.all,
  };
}

/** ms of CPU per unit of work (a report, a delivery) of each party, between two snapshots (NaN where /proc was not readable). */
export function cpuPerUnit(from: CpuSnapshot, to: CpuSnapshot, count: number): Record<'app' | 'postgres' | 'redis' | 'bench', number> {
  const per = (key: 'app' | 'postgres' | 'redis' | 'bench') => (to[key] - from[key]) / count;
  return { app: per('app'), postgres: per('postgres'), redis: per('redis'), bench: per('bench') };
}

/** "CPU per report: all-in-one 1.39 ms, PostgreSQL 1.16 ms, …; machine 89% busy" between two snapshots. */
export function describeCpuSplit(from: CpuSnapshot, to: CpuSnapshot, count: number, unit: string): string {
  const per = (key: 'app' | 'postgres' | 'redis' | 'bench') => `${((to[key] - from[key]) / count).toFixed(2)} ms`;
  const busy = (100 * (to.machineBusy - from.machineBusy)) / (to.machineAll - from.machineAll);
  const text = `all-in-one ${per('app')}, PostgreSQL ${per('postgres')}, Redis ${per('redis')}, this process (load generator, receiver) ${per('bench')} per ${unit}; the two cores ${busy.toFixed(0)}% busy`;
  return text.includes('NaN') ? 'not measured (/proc not readable)' : text;
}
