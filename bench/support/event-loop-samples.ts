import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './processes.js';

/** The all-in-one's event-loop probe (event-loop-probe.ts), preloaded by the bench with its output file. */
export const EVENT_LOOP_PROBE = join(repoRoot, 'bench', 'support', 'event-loop-probe.ts');

/** One probe line: the 250 ms ending at `at` (epoch ms). */
export interface EventLoopSample {
  at: number;
  /** Event-loop utilization of the main thread over the interval, 0–1. */
  busy: number;
  /** How late a timer fired at most in the interval, ms (the probe's period taken off). */
  maxDelayMs: number;
}

export function readEventLoopSamples(file: string): EventLoopSample[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, busy, maxDelayMs] = line.split(' ').map(Number);
      return { at: at!, busy: busy!, maxDelayMs: maxDelayMs! };
    });
}

/** Per second from `fromEpochMs`: the mean utilization and the longest delay of the samples that ended in it. */
export function eventLoopBySecond(samples: readonly EventLoopSample[], fromEpochMs: number, seconds: number): Array<{ busy: number; maxDelayMs: number } | null> {
  return Array.from({ length: seconds }, (_, s) => {
    const inSecond = samples.filter((x) => x.at > fromEpochMs + s * 1000 && x.at <= fromEpochMs + (s + 1) * 1000);
    if (inSecond.length === 0) return null;
    return {
      busy: inSecond.reduce((sum, x) => sum + x.busy, 0) / inSecond.length,
      maxDelayMs: Math.max(...inSecond.map((x) => x.maxDelayMs)),
    };
  });
}

/** One garbage-collection pause of the all-in-one (the probe's `.gc` file). */
export interface GcPause {
  /** Epoch ms. */
  at: number;
  ms: number;
  kind: 'major' | 'minor';
}

export function readGcPauses(loopProbeFile: string): GcPause[] {
  const file = `${loopProbeFile}.gc`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [at, ms, kind] = line.split(' ');
      return { at: Number(at), ms: Number(ms), kind: kind === 'major' ? 'major' : 'minor' };
    });
}

/** Whether a report in flight from `from` to `to` (epoch ms) was in flight during one of `pauses`. */
export function overlapsAny(from: number, to: number, pauses: readonly GcPause[]): boolean {
  return pauses.some((p) => p.at < to && p.at + p.ms > from);
}
