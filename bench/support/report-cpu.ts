/**
 * `npx tsx bench/support/report-cpu.ts [databaseUrl] [--reports=500]`: CPU time of this
 * process per matched monitor report, calling the service directly (no HTTP, no callback
 * delivery) on a scratch database — the in-process figure bench/FINDINGS.md compares code
 * changes by. Run it alternately with and without a change: this VM's speed drifts by
 * ±20% over minutes, so only paired runs say anything.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { bootCore } from '../../app/boot.js';
import { createScratchDatabase } from '../../core/db/scratch-database.js';
import { cpuOfProcessesNamed } from './cpu-split.js';
import { openMonitorShop, openPendingOrders, routeChannelToMonitor, type PendingOrder } from './monitor-fixtures.js';

const WARMUP = 100;
const baseUrl = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'postgres://postgres@127.0.0.1:5432/test';
const reports = Number(process.argv.find((a) => a.startsWith('--reports='))?.split('=')[1] ?? 500);

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
  const postgresBefore = cpuOfProcessesNamed('postgres');
  const started = performance.now();
  for (let n = WARMUP; n < orders.length; n++) await report(orders[n]!, n);
  const used = process.cpuUsage(cpu);
  const postgresUsed = cpuOfProcessesNamed('postgres') - postgresBefore;
  const ms = (us: number) => (us / 1000 / reports).toFixed(3);
  const postgres = Number.isNaN(postgresUsed) ? 'not readable' : `${(postgresUsed / reports).toFixed(3)} ms`;
  console.log(`${reports} reports: ${ms(used.user + used.system)} ms CPU here, PostgreSQL ${postgres} CPU, ${((performance.now() - started) / reports).toFixed(3)} ms wall per report`);
} finally {
  await core.orm.close();
  await scratch.drop();
}
