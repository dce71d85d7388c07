/**
 * Preloaded (`node --import`) into the all-in-one process by the bench, never by the
 * product. Every 250 ms it appends to $BENCH_LOOP_PROBE_FILE one line with the time (epoch
 * ms), how busy the main thread's event loop was since the last line (event-loop
 * utilization) and the longest a timer fired late. Every garbage collection pause goes to
 * `$BENCH_LOOP_PROBE_FILE.gc` as one line: its start (epoch ms), its length (ms) and its
 * kind (`major`: a mark-compact, `minor`: a scavenge). Section 3 reads both
 * (event-loop-samples.ts) to tell a saturated process from a stalled harness, and to see
 * which reports a collection held up.
 */
import { appendFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_LOOP_PROBE_FILE;
/** The delay histogram's timer period: what it records is the time between two firings, so the period is taken off. */
const RESOLUTION_MS = 5;

if (isMainThread && file) {
  const delays = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delays.enable();
  let since = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, since).utilization;
    since = now;
    const lateMs = Math.max(0, delays.max / 1e6 - RESOLUTION_MS);
    appendFileSync(file, `${(performance.timeOrigin + performance.now()).toFixed(0)} ${busy.toFixed(3)} ${lateMs.toFixed(1)}\n`);
    delays.reset();
  }, 250).unref();

  const kinds: Record<number, string> = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor' };
  new PerformanceObserver((list) => {
    const lines = list
      .getEntries()
      .map((entry) => ({ entry, kind: kinds[(entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1] }))
      .filter((x) => x.kind !== undefined)
      .map(({ entry, kind }) => `${(performance.timeOrigin + entry.startTime).toFixed(1)} ${entry.duration.toFixed(2)} ${kind}\n`);
    if (lines.length > 0) appendFileSync(`${file}.gc`, lines.join(''));
  }).observe({ entryTypes: ['gc'] });
}
