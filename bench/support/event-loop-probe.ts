/**
 * Preloaded (`node --import`) into the all-in-one process by the bench, never by the
 * product: every 250 ms it appends to $BENCH_LOOP_PROBE_FILE one line with the time (epoch
 * ms), how busy the main thread's event loop was since the last line (event-loop
 * utilization) and the longest delay a timer saw. Section 3 reads it (event-loop-samples.ts)
 * to tell a saturated process from a stalled harness.
 */
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_LOOP_PROBE_FILE;
if (isMainThread && file) {
  const delays = monitorEventLoopDelay({ resolution: 5 });
  delays.enable();
  let since = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, since).utilization;
    since = now;
    appendFileSync(file, `${(performance.timeOrigin + performance.now()).toFixed(0)} ${busy.toFixed(3)} ${(delays.max / 1e6).toFixed(1)}\n`);
    delays.reset();
  }, 250).unref();
}
