import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface FixedRateOptions {
  /** Requests per second to start, whatever the replies do (an open loop). */
  rate: number;
  /** How many requests in all (the run lasts count / rate seconds). */
  count: number;
  url: string;
  /** Body of the n-th request, built just before it is sent. */
  bodyOf(n: number): string;
  /** Called with the moment (performance.now()) the n-th request was handed to the socket. */
  onSent?(n: number, at: number): void;
  /** Stop starting requests after this many seconds even if some remain. */
  maxSeconds: number;
}

export interface FixedRateResult {
  sent: number;
  /** Requests actually started per second (below `rate` when this process could not keep up). */
  achievedRate: number;
  /** Reply latency of each request by its number, in ms (a hole where it failed), and how many were not 2xx or failed. */
  replyLatencies: number[];
  non2xx: number;
  errors: number;
  /** The most requests that were waiting for a reply at once (grows when the server falls behind). */
  maxInFlight: number;
}

/**
 * An open-loop sender to 127.0.0.1: starts request n at `n / rate` seconds after the start,
 * whether or not earlier ones were answered, so a slow server cannot slow the offered load
 * down (no coordinated omission). Bounded by `count` and `maxSeconds`.
 */
export async function sendAtFixedRate(opts: FixedRateOptions): Promise<FixedRateResult> {
  const target = new URL(opts.url);
  if (target.hostname !== '127.0.0.1') throw new Error(`load goes to 127.0.0.1 only, not ${target.hostname}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const replyLatencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let sent = 0;
  let settled = 0;
  let allSettled: () => void = () => undefined;
  const done = new Promise<void>((r) => (allSettled = r));
  const settle = () => {
    inFlight--;
    if (++settled === sent && stopped) allSettled();
  };
  let stopped = false;

  const send = (n: number) => {
    const body = opts.bodyOf(n);
    const startedAt = performance.now();
    const req = request(
      { agent, host: '127.0.0.1', port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => {
          replyLatencies[n] = performance.now() - startedAt;
          if (!res.statusCode || res.statusCode < 200 || res.statusCode >= 300) non2xx++;
          settle();
        });
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      errors++;
      settle();
    });
    req.end(body);
    opts.onSent?.(n, startedAt);
    sent++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
  };

  const start = performance.now();
  await new Promise<void>((resolve) => {
    const tick = () => {
      const elapsed = performance.now() - start;
      const due = Math.min(opts.count, Math.floor((elapsed / 1000) * opts.rate) + 1);
      while (sent < due) send(sent);
      if (sent >= opts.count || elapsed > opts.maxSeconds * 1000) return resolve();
      setTimeout(tick, 1);
    };
    tick();
  });
  const lastSentAt = performance.now();
  stopped = true;
  if (settled === sent) allSettled();
  await done;
  agent.destroy();
  return { sent, achievedRate: sent / ((lastSentAt - start) / 1000), replyLatencies, non2xx, errors, maxInFlight };
}
