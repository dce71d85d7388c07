import { sendAtFixedRate } from '../support/fixed-rate.js';
import { openPendingOrders, reportUrl, signedReportBody, type MonitorShop, type PendingOrder } from '../support/monitor-fixtures.js';
import { pollUntil } from '../support/processes.js';
import { fmt, figure, judged, type SectionReport } from '../support/report.js';
import { summarise } from '../support/stats.js';
import type { BenchStack } from '../support/stack.js';
import { eventLoopBySecond, overlapsAny, readEventLoopSamples, readGcPauses, type GcPause } from '../support/event-loop-samples.js';

export const MONEY_PATH_TARGET_P99_MS = 25;
export const PREFERRED_RATE = 1000;

export interface MoneyPathPlan {
  seconds: number;
  /**
   * Seconds sent at the same rate just before the measured ones, in the same open loop, and
   * reported apart: the first second after the process sat idle through the fixture (its
   * sockets to the load generator and to the receiver are opened then) is not the steady
   * state the target is about.
   */
  warmupSeconds: number;
  /** How long to wait for the last callbacks after the last report was sent. */
  drainSeconds: number;
}

/**
 * The fixed rate to offer: 1,000 reports/s when ingestion showed clear headroom above it,
 * otherwise 60% of the measured ingestion rate (rounded down to a round number) — a load
 * the machine sustains without queueing, so the figure is latency, not backlog.
 */
export function chooseRate(ingestionRps: number): number {
  const sustainable = ingestionRps * 0.6;
  const step = sustainable >= 500 ? 50 : sustainable >= 100 ? 10 : 5;
  return Math.max(5, Math.min(PREFERRED_RATE, Math.floor(sustainable / step) * step));
}

/** The `rate × (warm-up + seconds)` pending orders the run will pay (opened before it starts, not measured). */
/** How often this process checks its own event loop during section 3. */
const OWN_LOOP_TICK_MS = 10;

export function prepareMoneyPathOrders(stack: BenchStack, shop: MonitorShop, rate: number, plan: MoneyPathPlan): Promise<PendingOrder[]> {
  return openPendingOrders(stack.core, shop, {
    mrnPrefix: 'money',
    count: Math.round(rate * (plan.warmupSeconds + plan.seconds)),
    firstAmountFen: 500_000,
    callbackUrl: `${stack.receiver.url}/money`,
  });
}

/**
 * Section 3: reports sent at a fixed rate; for each, the time from handing the report to the
 * socket until the merchant's callback for that order (matched by mrn) has fully arrived
 * at the local receiver. Both timestamps come from this process's monotonic clock.
 */
export async function measureMoneyPath(
  stack: BenchStack,
  shop: MonitorShop,
  orders: PendingOrder[],
  rate: number,
  plan: MoneyPathPlan,
  /** Why this rate: said next to it in the results. */
  rateReason: string,
): Promise<SectionReport> {
  const warmupCount = Math.round(rate * plan.warmupSeconds);
  const count = Math.min(orders.length, warmupCount + Math.round(rate * plan.seconds));
  const sentAt = new Map<string, { at: number; n: number }>();
  const latencies: number[] = [];
  /** Each measured report's time in flight, this process's clock (performance.now()). */
  const inFlight: Array<{ from: number; to: number }> = [];
  const warmupLatencies: number[] = [];
  /** Latencies by the measured second their report was sent in: a stall shows as one bad second. */
  const bySecond: number[][] = [];
  let firstMeasuredAt = Number.NaN;
  const unsubscribe = stack.receiver.subscribe((cb) => {
    if (cb.channel !== 'money') return;
    const sent = sentAt.get(cb.key);
    if (sent === undefined) return;
    const latency = cb.at - sent.at;
    if (sent.n < warmupCount) {
      warmupLatencies.push(latency);
      return;
    }
    latencies.push(latency);
    inFlight.push({ from: sent.at, to: cb.at });
    (bySecond[Math.floor((sent.at - firstMeasuredAt) / 1000)] ??= []).push(latency);
  });
  stack.rss.begin('3 money path');
  // This process sends the reports and timestamps the callbacks: a stall of its own event
  // loop (its GC, its share of the cores) shows as latency of the system under test. Its
  // worst stall in each measured second is kept, so a bad second can be told apart.
  const ownStalls: number[] = [];
  let tickedAt = performance.now();
  const ownLoop = setInterval(() => {
    const now = performance.now();
    const second = Math.floor((now - firstMeasuredAt) / 1000);
    if (second >= 0) ownStalls[second] = Math.max(ownStalls[second] ?? 0, now - tickedAt - OWN_LOOP_TICK_MS);
    tickedAt = now;
  }, OWN_LOOP_TICK_MS);
  try {
    const run = await sendAtFixedRate({
      rate,
      count,
      url: reportUrl(stack.baseUrl, shop),
      bodyOf: (n) => signedReportBody(shop, orders[n]!),
      onSent: (n, at) => {
        if (n === warmupCount) firstMeasuredAt = at;
        sentAt.set(orders[n]!.mrn, { at, n });
      },
      maxSeconds: plan.seconds * 2,
    });
    await pollUntil(async () => warmupLatencies.length + latencies.length >= run.sent - run.non2xx - run.errors, plan.drainSeconds * 1000, 50);
    stack.rss.end();
    clearInterval(ownLoop);
    const e2e = summarise(latencies);
    const warmup = summarise(warmupLatencies);
    const reply = summarise(run.replyLatencies.slice(warmupCount).filter((v) => v !== undefined));
    const measuredSent = Math.max(0, run.sent - warmupCount);
    const missing = measuredSent - latencies.length;
    const secondP99s = bySecond.filter(Boolean).map((values) => summarise(values).p99);
    const perSecond = summarise(secondP99s);
    // The process under test's own event loop over the same seconds (its probe's lines, epoch ms).
    const appLoop = eventLoopBySecond(readEventLoopSamples(stack.loopProbeFile), performance.timeOrigin + firstMeasuredAt, secondP99s.length);
    const gc = collectionsDuring(readGcPauses(stack.loopProbeFile), inFlight);
    return {
      number: 3,
      title: 'Money path: report sent → merchant callback received, at a fixed rate',
      figures: [
        figure(
          'offered rate',
          `${fmt.perSecond(rate, 'reports')}${rateReason ? ` (${rateReason})` : ''}; achieved ${fmt.perSecond(run.achievedRate, 'reports')} for ${plan.warmupSeconds} s of warm-up then ${plan.seconds} s measured, one open loop`,
        ),
        figure('report → callback p50', fmt.ms(e2e.p50)),
        judged('report → callback p99', fmt.ms(e2e.p99), `≤ ${MONEY_PATH_TARGET_P99_MS} ms`, e2e.p99 <= MONEY_PATH_TARGET_P99_MS),
        figure('report → callback max', fmt.ms(e2e.max)),
        figure(
          'p99 of each second of the run (median second / worst second)',
          `${fmt.ms(perSecond.p50)} / ${fmt.ms(perSecond.max)} (${secondP99s.map((v) => v.toFixed(0)).join(', ')} ms)`,
        ),
        figure('/pc reply p50 / p99', `${fmt.ms(reply.p50)} / ${fmt.ms(reply.p99)}`),
        figure(
          'this process’s worst event-loop stall in each second (it sends the reports and timestamps the callbacks)',
          `${ownStalls.slice(0, secondP99s.length).map((v) => Math.max(0, v ?? 0).toFixed(0)).join(', ')} ms`,
        ),
        figure(
          'the all-in-one’s event loop in each second: busy (event-loop utilization) / most a timer fired late',
          appLoop.map((x) => (x ? `${(100 * x.busy).toFixed(0)}% / ${x.maxDelayMs.toFixed(0)} ms` : '—')).join(', '),
        ),
        figure('the all-in-one’s garbage collections during the measured seconds (pauses p50 / max)', gc.text),
        figure(
          `reports over ${MONEY_PATH_TARGET_P99_MS} ms that were in flight during a mark-compact pause of the all-in-one`,
          `${fmt.count(gc.slowDuringMajor)} of ${fmt.count(gc.slow)}; of all measured reports, ${gc.allDuringMajorPct.toFixed(1)}% were in flight during one`,
        ),
        figure('callbacks received', `${fmt.count(latencies.length)} of ${fmt.count(measuredSent)} reports (non-2xx ${run.non2xx}, errors ${run.errors}, missing ${missing}); most reports in flight ${run.maxInFlight}`),
        figure(
          `warm-up: the first ${plan.warmupSeconds} s, not in the figures above (report → callback p50 / p99 / max)`,
          `${fmt.ms(warmup.p50)} / ${fmt.ms(warmup.p99)} / ${fmt.ms(warmup.max)} (${fmt.count(warmupLatencies.length)} of ${fmt.count(Math.min(run.sent, warmupCount))} callbacks)`,
        ),
      ],
      bounds: [
        'The fixed rate is bounded by report ingestion (section 2): offering more than the process can settle only measures its queue. At that rate the one Node process is well loaded, so each hop below waits behind the others on its event loop.',
        'The /pc reply (two PostgreSQL round trips — the merchant’s signing key is kept in the process while it hears credential changes, so no credential read precedes them — carrying BEGIN and COMMIT with prepared statements, shared with the reports that arrived while REPORT_TRANSACTIONS report transactions were open: group commit) is most of the figure; the committing trip writes the callback’s outbox row already claimed, and the POST starts when the COMMIT returns (core/outbox/handoff.ts; until then a relay pass claimed the row and read its delivery in one more round trip): HTTP POST to the receiver on a kept-alive socket to the checked address → arrival timed here; the attempt is recorded after. No Redis hop and no relay pass are on this path.',
        'Slow reports come in clusters, and the largest are the all-in-one’s mark-compacts: the figure above counts the reports over the target that were in flight during one’s pause (at 300 reports/s in the eleventh pass, 42 of 62 and 56 of 192, where only ~2% of all reports were), and with a 20 ms margin around every collection’s pause all 62 of that run’s slow reports were caught (on a noisier machine moment, at 400 reports/s, 75 of 472: the rest is the queue below). A cluster lasts 50–100 ms for a pause of 5–15 ms: before its pause V8 marks incrementally on the main thread and concurrently on a helper thread, which takes the core PostgreSQL’s backends and the harness share. The process now lets its old generation grow to 1.6 times live before one (`npm start`: `--heap-growing-percent=60` within a 384 MB budget; with 192 MB alone, 1.3 times): one or two mark-compacts in these ten seconds instead of three (docs/operations.md “Memory”). What promotes ~2 MB per scavenge (~16 KB per report) into the old generation is not found yet: none of it is reachable in a heap snapshot taken during the run.',
        'Between the clusters the all-in-one’s event loop is the queue: its busy share of each measured second is in the figure above (54–99% in the tenth pass’s runs at 330–450 reports/s), and a third of that busy time is socket writes to PostgreSQL (a CPU profile: 77% of writev samples are the trips’ writes, 12% the HTTP replies, 10% the callbacks), each charged with waking a backend on the two shared cores. PostgreSQL’s side is short: sampled every 3 ms during a run, its backends were ~1–1.7 on average idle in transaction waiting for this process’s next trip, 0.2–0.6 waiting for the WAL flush of a COMMIT, and 0.3 running; with `log_min_duration_statement = 15 ms` no statement of a run at 200 reports/s took longer.',
        'At low rates each hop also pays this VM’s wake-up latency (a lone report at 5–20 reports/s answers in 12–15 ms, slower than at 60/s). The process’s PostgreSQL pool is opened whole at start and kept (DATABASE_POOL_SIZE), so the run does not begin by opening backends; the warm-up figure is the first seconds after the process sat idle through the fixture, when its sockets to the load generator and the receiver are opened.',
      ],
      notes: [],
    };
  } finally {
    clearInterval(ownLoop);
    unsubscribe();
    stack.rss.end();
  }
}

/**
 * The all-in-one's collections between the first measured report's sending and the last
 * callback, and how many reports a mark-compact's pause caught in flight: a tail made by
 * collections shows as slow reports caught far more often than reports at large.
 */
function collectionsDuring(pauses: readonly GcPause[], inFlight: ReadonlyArray<{ from: number; to: number }>) {
  const origin = performance.timeOrigin;
  const from = Math.min(...inFlight.map((r) => r.from)) + origin;
  const to = Math.max(...inFlight.map((r) => r.to)) + origin;
  const during = pauses.filter((p) => p.at + p.ms > from && p.at < to);
  const major = during.filter((p) => p.kind === 'major');
  const minor = during.filter((p) => p.kind === 'minor');
  const caught = inFlight.map((r) => overlapsAny(r.from + origin, r.to + origin, major));
  const slow = inFlight.map((r) => r.to - r.from > MONEY_PATH_TARGET_P99_MS);
  const pausesText = (list: readonly GcPause[]) => {
    const s = summarise(list.map((p) => p.ms));
    return list.length > 0 ? ` (${fmt.ms(s.p50)} / ${fmt.ms(s.max)})` : '';
  };
  return {
    text: inFlight.length === 0 ? '—' : `${major.length} mark-compacts${pausesText(major)}, ${minor.length} scavenges${pausesText(minor)}`,
    slow: slow.filter(Boolean).length,
    slowDuringMajor: slow.filter((isSlow, i) => isSlow && caught[i]).length,
    allDuringMajorPct: inFlight.length === 0 ? 0 : (100 * caught.filter(Boolean).length) / inFlight.length,
  };
}
