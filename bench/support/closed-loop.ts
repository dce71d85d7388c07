import autocannon from 'autocannon';
import { summarise, type LatencySummary } from './stats.js';

export interface ClosedLoopOptions {
  title: string;
  url: string;
  connections: number;
  /** Hard bound on requests sent. */
  maxRequests: number;
  /** Hard bound on time: the run is stopped after this many seconds even if requests remain. */
  maxSeconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A fresh body for every request (called once per request, just before it is written). */
  nextBody?: () => string;
  /** A fixed body (when nextBody is not given). */
  body?: string;
  /** Each reply whose body differs is counted as a mismatch (a wrong answer under load). */
  expectBody?: string;
  /** Each reply for which this is false is counted as a mismatch. */
  verifyBody?: (body: string) => boolean;
}

export interface ClosedLoopResult {
  title: string;
  requests: number;
  seconds: number;
  /** Completed replies per second over the whole run. */
  rps: number;
  latency: LatencySummary;
  /** Replies that were not 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  mismatches: number;
}

/**
 * A closed-loop load run with autocannon against 127.0.0.1: `connections` clients each send
 * the next request as soon as the previous reply arrives, until `maxRequests` or
 * `maxSeconds`. Latencies are every reply's own (not autocannon's per-second histogram), so
 * p95 and p99 are exact.
 */
export async function runClosedLoop(opts: ClosedLoopOptions): Promise<ClosedLoopResult> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(opts.url)) throw new Error(`load goes to 127.0.0.1 only, not ${opts.url}`);
  const latencies: number[] = [];
  const nextBody = opts.nextBody;
  let finished: (err: Error | null, result: autocannon.Result) => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = (err, result) => (err ? reject(err) : resolve(result));
  });
  const options: autocannon.Options = {
    url: opts.url,
    title: opts.title,
    connections: Math.min(opts.connections, opts.maxRequests),
    amount: opts.maxRequests,
    timeout: 10,
    method: opts.method ?? 'POST',
    headers: opts.headers,
    ...(opts.body !== undefined ? { body: opts.body } : {}),
  };
  // autocannon refuses `expectBody` next to `requests`, even an undefined one: set only what is used.
  if (opts.expectBody !== undefined) options.expectBody = opts.expectBody;
  if (opts.verifyBody) options.verifyBody = opts.verifyBody as autocannon.Options['verifyBody'];
  if (nextBody) options.requests = [{ setupRequest: (req) => ({ ...req, body: nextBody() }) }];
  const instance = autocannon(options, (err, result) => finished(err as Error | null, result));
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const stopper = setTimeout(() => instance.stop(), opts.maxSeconds * 1000);
  const result = await done.finally(() => clearTimeout(stopper));
  const requests = latencies.length;
  return {
    title: opts.title,
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    latency: summarise(latencies),
    non2xx: result.non2xx,
    errors: result.errors,
    mismatches: result.mismatches,
  };
}
