import { runClosedLoop, type ClosedLoopResult } from '../support/closed-loop.js';
import { signedReportBody, type MonitorShop } from '../support/monitor-fixtures.js';
import { freePort, startNodeProcess, waitUntilServing, type BenchProcess } from '../support/processes.js';
import { fmt, figure, type SectionReport } from '../support/report.js';

/** Same load shape as report ingestion, so the two are comparable request for request. */
export const REPORT_CONNECTIONS = 16;

export interface CeilingServer {
  process: BenchProcess;
  /** One bounded closed-loop run of signed `/pc` reports against the bare route. */
  measure(seconds: number): Promise<ClosedLoopResult>;
  stop(): Promise<void>;
}

/** Starts bench/support/ceiling-server.ts as its own process, knowing the shop's pid and report key. */
export async function startCeiling(env: NodeJS.ProcessEnv, shop: MonitorShop): Promise<CeilingServer> {
  const port = await freePort();
  const proc = startNodeProcess({
    name: 'ceiling',
    entry: 'bench/support/ceiling-server.ts',
    env: { ...env, PORT: String(port), CEILING_PID: shop.pid, CEILING_KEY: shop.md5Key },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilServing(proc, `${base}/healthz`, 30_000);
  let n = 0;
  const nextBody = () => signedReportBody(shop, { mrn: `ceiling-${n}`, payableAmount: 10_000 + (n++ % 100_000), publicId: '' });
  return {
    process: proc,
    measure: (seconds) =>
      runClosedLoop({
        title: 'ceiling',
        url: `${base}/api/report/${shop.pid}/pc`,
        connections: REPORT_CONNECTIONS,
        maxRequests: 200_000,
        maxSeconds: seconds,
        headers: { 'content-type': 'application/json' },
        nextBody,
      }),
    stop: () => proc.stop(),
  };
}

/** Section 1 from the runs made around report ingestion (before and after it). */
export function ceilingReport(runs: ClosedLoopResult[]): SectionReport {
  const figures = runs.flatMap((r, i) => {
    const label = runs.length > 1 ? (i === 0 ? ' (before ingestion)' : ' (after ingestion)') : '';
    return [
      figure(`requests/s${label}`, fmt.rps(r.rps)),
      figure(`p50 / p99${label}`, `${fmt.ms(r.latency.p50)} / ${fmt.ms(r.latency.p99)}`),
      ...(r.non2xx + r.errors > 0 ? [figure(`non-2xx / errors${label}`, `${r.non2xx} / ${r.errors}`)] : []),
    ];
  });
  return {
    number: 1,
    title: 'Ceiling: bare Fastify route, MD5 sign check + envelope, no database',
    figures,
    bounds: [
      `CPU: on this 2-core machine the load generator (autocannon, ${REPORT_CONNECTIONS} connections, a fresh signature per request) and the server share the two cores; the figure is the most one Node process can answer here, not a property of the route alone.`,
    ],
    notes: ['Measured twice, before and after report ingestion, so ingestion is bracketed by its ceiling in time; the ratio uses their mean.'],
  };
}
