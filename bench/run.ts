/**
 * `npm run bench`: measures the money path against its ceiling and its peers, prints a table
 * and writes bench/RESULTS.md. Every comparison is measured in this one run; load goes to
 * 127.0.0.1 only and every run is bounded in requests and time. Never fails on a number.
 *
 * Options: `--only=1,2,3` (sections; 6 is always reported), `--profile` (the all-in-one
 * process runs with --cpu-prof; the profile's path is printed), `--quick` (short runs while
 * developing the harness), `--money-rate=N` (section 3 at N reports/s instead of the rate
 * section 2 measured), `--deliveries=N` (section 4's burst). BENCH_APP_NODE_ARGS adds node flags to the all-in-one process
 * (e.g. `--trace-gc`); BENCH_POSTGRES_URL / BENCH_REDIS_URL override the local servers.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CallbackDelivery, CallbackStatus } from '../core/entities/index.js';
import { measureCallbackThroughput } from './sections/callback-throughput.js';
import { measureGateway } from './sections/gateway.js';
import { memoryReport } from './sections/memory.js';
import { chooseRate, measureMoneyPath, prepareMoneyPathOrders, PREFERRED_RATE } from './sections/money-path.js';
import { measureIngestion } from './sections/report-ingestion.js';
import { dashboardSettled, openDashboardMerchants } from './support/dashboard-fixture.js';
import { captureMachine, type MachineInfo } from './support/machine.js';
import { openMonitorShop, routeChannelToMonitor, type MonitorShop } from './support/monitor-fixtures.js';
import { pollUntil, repoRoot } from './support/processes.js';
import { notMeasured, type SectionReport } from './support/report.js';
import { renderMarkdown, renderTable, writeResults } from './support/results-writer.js';
import { startStack, type BenchStack } from './support/stack.js';

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').map(Number);
const profile = args.includes('--profile');
const quick = args.includes('--quick');
/** Section 3 at this rate, without section 2 choosing it (for profiling the money path alone). */
const moneyRate = Number(args.find((a) => a.startsWith('--money-rate='))?.slice('--money-rate='.length) ?? Number.NaN);
/** Section 4's burst size instead of the plan's (for profiling the delivery path alone). */
const deliveries = Number(args.find((a) => a.startsWith('--deliveries='))?.slice('--deliveries='.length) ?? Number.NaN);
const wanted = (n: number) => !only || only.includes(n);

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RESULTS_PATH = join(repoRoot, 'bench', 'RESULTS.md');
const FINDINGS_PATH = join(repoRoot, 'bench', 'FINDINGS.md');
/** Twice the load generator's connections, so two in-flight dashboard requests are rarely alike. */
const DASHBOARD_MERCHANTS = 32;

const plans = {
  ingestion: quick ? { maxReports: 1500, maxSeconds: 4, warmupReports: 150, ceilingSeconds: 2 } : { maxReports: 15_000, maxSeconds: 10, warmupReports: 400, ceilingSeconds: 5 },
  money: quick ? { seconds: 3, warmupSeconds: 1, drainSeconds: 10 } : { seconds: 8, warmupSeconds: 2, drainSeconds: 20 },
  throughput: {
    // As many deliveries as no-op jobs: a burst of a fifth of the count was over in ~1 s, a
    // fair share of it the ramp-up (the relay's first claim, the first sockets) and the tail.
    ...(quick ? { deliveries: 5000, noopJobs: 5000, maxSeconds: 30 } : { deliveries: 20_000, noopJobs: 20_000, maxSeconds: 60 }),
    ...(Number.isFinite(deliveries) ? { deliveries } : {}),
  },
  gateway: quick ? { seconds: 2, rounds: 1 } : { seconds: 5, rounds: 2 },
};

function log(message: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** Runs one section; a failure becomes its explicit "not measured" row, never an abort. */
async function section(numbers: number[], title: string, run: () => Promise<SectionReport | SectionReport[]>): Promise<SectionReport[]> {
  if (!numbers.some(wanted)) return [];
  const number = numbers.at(-1)!;
  log(`section ${numbers.join('+')}: ${title}`);
  try {
    const out = await run();
    return Array.isArray(out) ? out : [out];
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0]!;
    console.error(`bench: section ${number} not measured: ${(e as Error).stack ?? reason}`);
    return [notMeasured(number, title, reason)];
  }
}

/** A section must not meet callbacks the previous one still owes: waits (bounded) until none is pending. */
async function drainCallbacks(stack: BenchStack, shop: MonitorShop, after: string, notes: string[]): Promise<void> {
  const start = performance.now();
  const owed = () => stack.core.em().count(CallbackDelivery, { merchant: shop.merchantId, status: CallbackStatus.Pending });
  const pending = await owed();
  if (pending === 0) return;
  const drained = await pollUntil(async () => (await owed()) === 0, 60_000, 100);
  const seconds = ((performance.now() - start) / 1000).toFixed(1);
  notes.push(`After ${after}, ${pending} callbacks were still owed; ${drained ? `they were delivered ${seconds} s later` : `some were still owed after ${seconds} s`} before the next section started.`);
  log(`waited ${seconds} s for ${pending} callbacks owed by ${after}`);
}

/** The node flags `npm start` runs with (e.g. the heap budget), so the bench measures the process as shipped. */
function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts.start!.split(/\s+/).filter((t) => t.startsWith('--'));
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = await captureMachine(POSTGRES_URL, REDIS_URL);
  log(`${machine.cpu}, ${machine.cores} cores, ${machine.ramGb} GiB; node ${machine.node}, PostgreSQL ${machine.postgres}, Redis ${machine.redis}`);
  const runNotes: string[] = [];
  const reports: SectionReport[] = [];
  let stack: BenchStack;
  try {
    stack = await startStack({
      postgresUrl: POSTGRES_URL,
      redisUrl: REDIS_URL,
      cpuProfileDir: profile ? join(repoRoot, 'data', 'bench-profiles') : undefined,
      nodeArgs: [...startScriptNodeFlags(), ...(process.env.BENCH_APP_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    });
  } catch (e) {
    // Nothing can be measured without the process under test; RESULTS.md says why.
    const reason = `the all-in-one process did not start: ${(e as Error).message.split('\n').filter(Boolean).slice(0, 3).join(' ')}`;
    for (const [n, title] of SECTION_TITLES) reports.push(notMeasured(n, title, reason));
    await finish(machine, reports, runNotes, started);
    process.exitCode = 1;
    return;
  }
  try {
    const idleMb = stack.rss.currentMb();
    log(`all-in-one process ${stack.app.pid} ready at ${stack.baseUrl} (${idleMb.toFixed(0)} MB RSS); its output goes to ${stack.tmpDir}/all-in-one.log`);
    await routeChannelToMonitor(stack.core);
    const shop: MonitorShop = await openMonitorShop(stack.core, 'Bench Monitor Shop');

    const dashboard: number[] = wanted(5) ? await openDashboardMerchants(stack, DASHBOARD_MERCHANTS) : [];

    let ingestionRps = Number.NaN;
    const ingestion = await section([1, 2], 'report ingestion vs ceiling', async () => {
      const outcome = await measureIngestion(stack, shop, plans.ingestion, log);
      ingestionRps = outcome.reportsPerSecond;
      return [outcome.ceiling, outcome.ingestion];
    });
    reports.push(...ingestion);
    await drainCallbacks(stack, shop, 'ingestion', runNotes);

    reports.push(
      ...(await section([3], 'money path latency', async () => {
        const rate = Number.isFinite(moneyRate) ? moneyRate : Number.isFinite(ingestionRps) ? chooseRate(ingestionRps) : 1000;
        const opening = performance.now();
        const orders = await prepareMoneyPathOrders(stack, shop, rate, plans.money);
        log(`opened ${orders.length} pending orders for ${rate} reports/s in ${((performance.now() - opening) / 1000).toFixed(1)} s`);
        const reason = Number.isFinite(moneyRate)
          ? 'set by --money-rate'
          : rate < PREFERRED_RATE
            ? '60% of the ingestion rate measured in section 2: what this machine sustains'
            : '';
        return measureMoneyPath(stack, shop, orders, rate, plans.money, reason);
      })),
    );
    await drainCallbacks(stack, shop, 'the money path', runNotes);
    reports.push(...(await section([4], 'callback delivery throughput', () => measureCallbackThroughput(stack, plans.throughput))));
    reports.push(
      ...(await section([5], 'gateway comparison', async () => {
        if (!(await dashboardSettled(stack, dashboard, 30_000))) throw new Error('the dashboard merchants’ callbacks were not delivered within 30 s');
        return measureGateway(stack, dashboard, plans.gateway);
      })),
    );
    reports.push(memoryReport(stack.rss, idleMb));
  } finally {
    await stack.close();
  }
  if (profile) runNotes.push(`CPU profile of the all-in-one process written under data/bench-profiles/ (open in Chrome DevTools or speedscope for a flame graph).`);

  await finish(machine, reports, runNotes, started);
}

const SECTION_TITLES: Array<[number, string]> = [
  [1, 'Ceiling'],
  [2, 'Report ingestion'],
  [3, 'Money path latency'],
  [4, 'Callback delivery throughput'],
  [5, 'Gateway'],
  [6, 'Memory'],
];

/** Prints the table and writes RESULTS.md (with bench/FINDINGS.md, the profiling notes, appended). */
async function finish(machine: MachineInfo, reports: SectionReport[], runNotes: string[], started: number): Promise<void> {
  reports.sort((a, b) => a.number - b.number);
  console.log(`\n${renderTable(reports)}\n`);
  const seconds = (performance.now() - started) / 1000;
  let markdown = renderMarkdown(machine, reports, { command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`, seconds, notes: runNotes });
  if (existsSync(FINDINGS_PATH)) markdown += `\n${readFileSync(FINDINGS_PATH, 'utf8')}`;
  await writeResults(RESULTS_PATH, markdown);
  log(`wrote ${RESULTS_PATH} (${seconds.toFixed(0)} s)`);
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e: unknown) => {
    console.error(`bench: could not run: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
