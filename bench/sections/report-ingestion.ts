import { PaymentReport, PaymentReportStatus } from '../../core/entities/index.js';
import { runClosedLoop, type ClosedLoopResult } from '../support/closed-loop.js';
import { availableParallelism } from 'node:os';
import { cpuPerUnit, cpuSnapshot, describeCpuSplit, type CpuSnapshot } from '../support/cpu-split.js';
import { openPendingOrders, reportUrl, signedReportBody, type MonitorShop, type PendingOrder } from '../support/monitor-fixtures.js';
import { fmt, figure, judged, type SectionReport } from '../support/report.js';
import { mean } from '../support/stats.js';
import type { BenchStack } from '../support/stack.js';
import { ceilingReport, REPORT_CONNECTIONS, startCeiling } from './ceiling.js';

export const INGESTION_TARGET_RATIO = 0.3;

export interface IngestionPlan {
  /** Upper bound of measured reports (each needs its own pending order). */
  maxReports: number;
  maxSeconds: number;
  warmupReports: number;
  ceilingSeconds: number;
}

export interface IngestionOutcome {
  ceiling: SectionReport;
  ingestion: SectionReport;
  /** Measured ingestion rate (the money path picks its fixed rate from it). */
  reportsPerSecond: number;
}

function openIngestOrders(stack: BenchStack, shop: MonitorShop, label: string, count: number, firstAmountFen: number): Promise<PendingOrder[]> {
  return openPendingOrders(stack.core, shop, { mrnPrefix: `ingest-${label}`, count, firstAmountFen, callbackUrl: `${stack.receiver.url}/ingest` });
}

/**
 * Sections 1 and 2 side by side: the ceiling, then signed `/pc` reports that each pay one
 * pending monitor-channel order on the all-in-one process, then the ceiling again. Both see
 * the same request bodies and the same closed-loop load. Every report needs an open order
 * made beforehand (not measured), so a warm-up run first estimates the rate and only as
 * many orders as the time bound can use are opened for the measured run.
 */
export async function measureIngestion(stack: BenchStack, shop: MonitorShop, plan: IngestionPlan, log: (m: string) => void): Promise<IngestionOutcome> {
  const ceiling = await startCeiling(stack.env, shop);
  try {
    const ingest = (title: string, orders: PendingOrder[], maxSeconds: number) => {
      let next = 0;
      // autocannon may build a request or two past its bound: those re-send an already paid
      // order's report under a fresh signature (answered as a duplicate, never counted).
      const nextBody = () => signedReportBody(shop, orders[Math.min(next++, orders.length - 1)]!);
      return runClosedLoop({
        title,
        url: reportUrl(stack.baseUrl, shop),
        connections: REPORT_CONNECTIONS,
        maxRequests: orders.length,
        maxSeconds,
        headers: { 'content-type': 'application/json' },
        nextBody,
      });
    };

    // Warm both servers' JIT and connection pools; not counted, but it sizes the measured run.
    await ceiling.measure(2);
    const warmupOrders = await openIngestOrders(stack, shop, 'warmup', plan.warmupReports, 100_000);
    const warm = await ingest('ingestion warm-up', warmupOrders, 20);
    const count = Math.min(plan.maxReports, Math.max(200, Math.ceil(warm.rps * plan.maxSeconds * 5)));
    const opening = Date.now();
    const orders = await openIngestOrders(stack, shop, 'measured', count, 200_000);
    log(`warm-up ingestion ran at ${warm.rps.toFixed(0)} reports/s; opened ${count} pending orders for the measured run in ${((Date.now() - opening) / 1000).toFixed(1)} s`);

    const before = await ceiling.measure(plan.ceilingSeconds);
    stack.rss.begin('2 report ingestion');
    const cpuBefore = cpuSnapshot(stack.app.pid);
    const run = await ingest('ingestion', orders, plan.maxSeconds);
    const cpuAfter = cpuSnapshot(stack.app.pid);
    const cpu = describeCpuSplit(cpuBefore, cpuAfter, run.requests, 'report');
    stack.rss.end();
    const after = await ceiling.measure(plan.ceilingSeconds);

    const matched = await stack.core.em().count(PaymentReport, {
      merchant: shop.merchantId,
      upstreamOrderId: { $in: orders.map((o) => `ALI-${o.mrn}`) },
      status: PaymentReportStatus.Matched,
    });
    const ceilingRps = mean([before.rps, after.rps]);
    return { ceiling: ceilingReport([before, after]), ingestion: ingestionReport(run, ceilingRps, matched, count, cpu, cpuBound(cpuBefore, cpuAfter, run.requests, ceilingRps)), reportsPerSecond: run.rps };
  } finally {
    await ceiling.stop();
  }
}

/**
 * What the measured CPU per report allows on this machine's cores, whatever else were made
 * free: PostgreSQL's share alone, then PostgreSQL's and the all-in-one's together.
 */
function cpuBound(from: CpuSnapshot, to: CpuSnapshot, reports: number, ceilingRps: number): string {
  const per = cpuPerUnit(from, to, reports);
  const cores = availableParallelism();
  const at = (ms: number) => `${fmt.rps((cores * 1000) / ms).replace(' req/s', ' reports/s')} (${fmt.ratio((cores * 1000) / ms / ceilingRps)} of the ceiling)`;
  if (!Number.isFinite(per.postgres) || !Number.isFinite(per.app)) return 'not measured (/proc not readable)';
  return `${cores} cores ÷ PostgreSQL’s ${per.postgres.toFixed(2)} ms per report = ${at(per.postgres)} if nothing else ran; with the all-in-one’s ${per.app.toFixed(2)} ms too, ${at(per.postgres + per.app)}`;
}

function ingestionReport(run: ClosedLoopResult, ceilingRps: number, matched: number, opened: number, cpu: string, bound: string): SectionReport {
  const ratio = run.rps / ceilingRps;
  return {
    number: 2,
    title: 'Report ingestion: signed /api/report/{pid}/pc paying pending orders (all-in-one, PostgreSQL)',
    figures: [
      figure('requests/s', fmt.rps(run.rps)),
      figure('p50 / p99', `${fmt.ms(run.latency.p50)} / ${fmt.ms(run.latency.p99)}`),
      figure('orders paid by the run', `${fmt.count(matched)} of ${fmt.count(opened)} opened; ${fmt.count(run.requests)} replies counted in ${run.seconds.toFixed(1)} s (non-2xx ${run.non2xx}, errors ${run.errors})`),
      judged('ratio to ceiling (1)', fmt.ratio(ratio), `≥ ${INGESTION_TARGET_RATIO.toFixed(2)}`, ratio >= INGESTION_TARGET_RATIO),
      figure('CPU during the run (/proc)', cpu),
      figure('most the measured CPU per report allows', bound),
    ],
    bounds: [
      'CPU of the two cores, shared by the one Node process, PostgreSQL, Redis and the load generator (the figure above splits it per report, from /proc): a matched report is a signing key already opened (kept while the process LISTENs for credential changes; SIGNING_KEY_CACHE_MS) and its share of a group commit: the reports arriving while REPORT_TRANSACTIONS (4) report transactions are open go together in the next, two round trips for the group, sent straight to a pooled connection below knex and MikroORM as statements that connection keeps prepared (BEGIN with every report’s replay claim, accounts, its id reserved with a lookup of a stored twin, and candidate orders row-locked; every write of the payments, each report’s row with its verdict, with one COMMIT); its callback is written already claimed by that committing trip and POSTed when the COMMIT returns (no relay pass) on a kept-alive socket, then its share of a one-statement attempt record — no Redis. In a profile of the Node process ~38% of its samples are socket writes, four fifths of them to PostgreSQL (`writev`: in this VM a write that wakes a PostgreSQL backend is charged the time that backend then runs on the shared core), ~8% GC, the rest request parsing, signature checks, the HTTP client and what is left of the ORM (bench/FINDINGS.md).',
      'No row lock is shared between reports: each locks only its own order, and the merchant’s credit is appended to the ledger (folded into the balance row by the next debit), so concurrent reports of one merchant no longer queue on its balance row.',
      `The ceiling is the same request parsing and MD5 check without any of that, so the ratio says how much the money path costs, not how slow the route code is. Closed loop, ${REPORT_CONNECTIONS} connections, database pool of 10.`,
      `The target of ${INGESTION_TARGET_RATIO.toFixed(2)} would need everything a report costs (PostgreSQL, the all-in-one, the load generator, the kernel) to fit in cores ÷ (${INGESTION_TARGET_RATIO.toFixed(2)} × ceiling) = ${((availableParallelism() * 1000) / (INGESTION_TARGET_RATIO * ceilingRps)).toFixed(2)} ms of CPU per report, to set beside the CPU figure above (PostgreSQL alone runs eleven statements for a matched report, each insert checking its foreign keys). The figure \u201cmost the measured CPU per report allows\u201d is what bounds the ratio; the next levers are fewer statements per report and set-based statements per group (bench/FINDINGS.md).`,
    ],
    notes: [],
  };
}
