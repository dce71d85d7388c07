/**
 * `npx tsx bench/support/report-cpu.ts [databaseUrl] [--reports=500]`: CPU time of this
 * process per matched monitor report, calling the service directly (no HTTP, no callback
 * delivery) on a scratch database — the in-process figure bench/FINDINGS.md compares code
 * changes by. Run it alternately with and without a change: this VM's speed drifts by
 * ±20% over minutes, so only paired runs say anything.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { bootCore } from '../../app/boot.js';
import { createScratchDatabase } from '../../core/db/scratch-database.js';
import { openMonitorShop, openPendingOrders, routeChannelToMonitor, type PendingOrder } from './monitor-fixtures.js';

const WARMUP = 100;
const baseUrl = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'postgres://postgres@127.0.0.1:5432/test';
const reports = Number(process.argv.find((a) => a.startsWith('--reports='))?.split('=')[1] ?? 500);

/**
 * CPU time (ms) of every process named postgres on this machine (Linux /proc), so a change
 * that moves work into the database shows up. NaN where /proc cannot be read. The database
 * must be local and otherwise idle for the figure to mean anything.
 */
function postgresCpuMs(): number {
  try {
    let ticks = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // gone meanwhile
      }
      const close = stat.lastIndexOf(')');
      if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    }
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

const scratch = await createScratchDatabase(baseUrl, 'cpu');
const core = await bootCore({
  env: { DATABASE_URL: scratch.url, SECRET_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent', NODE_ENV: 'test' },
  migrate: true,
});
try {
  await routeChannelToMonitor(core);
  const shop = await openMonitorShop(core, 'CPU probe');
  const orders = await openPendingOrders(core, shop, { mrnPrefix: 'cpu', count: WARMUP + reports, firstAmountFen: 100_000, callbackUrl: 'http://127.0.0.1:9/cb' });
  const report = async (order: PendingOrder, n: number) => {
    const outcome = await core.monitorReports.reportPayment(
      core.em(),
      {
        merchantId: shop.merchantId,
        amount: order.payableAmount,
        payType: 'alipay',
        channelCode: 'ali_qr',
        collectionAccountId: shop.accountId,
        upstreamOrderId: `ALI-${order.mrn}`,
        identity: { order_id: `ALI-${order.mrn}` },
        fields: {},
      },
      { caller: `merchant:${shop.merchantId}`, signature: randomBytes(16).toString('hex'), timestamp: new Date() },
    );
    if (!outcome.order) throw new Error(`report ${n} did not match: ${outcome.reason}`);
  };
  for (let n = 0; n < WARMUP; n++) await report(orders[n]!, n);
  const cpu = process.cpuUsage();
  const postgresBefore = postgresCpuMs();
  const started = performance.now();
  for (let n = WARMUP; n < orders.length; n++) await report(orders[n]!, n);
  const used = process.cpuUsage(cpu);
  const postgresUsed = postgresCpuMs() - postgresBefore;
  const ms = (us: number) => (us / 1000 / reports).toFixed(3);
  const postgres = Number.isNaN(postgresUsed) ? 'not readable' : `${(postgresUsed / reports).toFixed(3)} ms`;
  console.log(`${reports} reports: ${ms(used.user + used.system)} ms CPU here, PostgreSQL ${postgres} CPU, ${((performance.now() - started) / reports).toFixed(3)} ms wall per report`);
} finally {
  await core.orm.close();
  await scratch.drop();
}
