import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, CallbackStatus, Channel, PaymentReport, PayInOrder, PayInStatus } from '../core/entities/index.js';
import { formatFenAsYuan, parseYuanToFen } from '../core/money/fen.js';
import { runUpstreamTask, UPSTREAM_TASKS } from '../workers/upstream-polling.js';
import { startCallbackReceiver, type CallbackReceiver } from './support/callback-receiver.js';
import { onPostgres, setupTestCore } from './support/core.js';
import { nowSeconds, postJson, signed } from './support/doc000.js';
import { payInCallbackSign, postJson as post004, signPayIn, startHttp } from './support/doc004.js';
import { waitFor } from './support/processes.js';
import { silentLog } from './support/redis.js';
import { startQueuePipeline, type QueuePipeline } from './support/queue-pipeline.js';

/**
 * Document 000 end to end with every real part: a document-004 pay-in on the monitor
 * channel over HTTP, the cashier page, the monitor app's `/pc` report over HTTP, the
 * outbox relay, the registered queue workers and the merchant's callback receiver.
 */
const core = await setupTestCore({ CALLBACK_ALLOW_LOOPBACK: 'true', CALLBACK_RETRY_SCALE: '0.001', OUTBOX_POLL_MS: '50', AMOUNT_STEP_COUNT: '60' });
let pipeline: QueuePipeline;
let http: Awaited<ReturnType<typeof startHttp>>;
let merchantSite: CallbackReceiver;

/** Channel 2 (支付宝, pay type alipay) is served by the monitor plugin. */
const ALIPAY_CHANNEL = 2;

interface Shop {
  id: number;
  pid: string;
  md5Key: string;
  appKey: string;
  appSecret: string;
  accountId: number;
}

async function openShop(name: string): Promise<Shop> {
  const issued = await core.merchants.create(core.em(), { name });
  const account = await core.collectionAccounts.create(core.em(), {
    merchantId: issued.merchant.id,
    payType: 'alipay',
    channelCode: 'ali_qr',
    accountName: '收款账号A',
    qrContent: `https://qr.alipay.com/fkx${issued.pid}`,
    clientName: 'phone-1',
  });
  return { id: issued.merchant.id, pid: issued.pid, md5Key: issued.md5Key, appKey: issued.appKey, appSecret: issued.appSecret, accountId: account.id };
}

/** The monitor app's heartbeat, over HTTP. */
async function heartbeat(shop: Shop): Promise<void> {
  const reply = await postJson(`${http.url}/api/report/${shop.pid}/heart`, signed({ client_name: 'phone-1', timestamp: nowSeconds(), ext_data: `{"n":${Math.random()}}` }, shop.md5Key));
  expect(reply.json.code).toBe(200);
}

async function createPayIn(shop: Shop, mrn: string, amountYuan: string): Promise<{ success: boolean; errorMsg: string; payUrl: string }> {
  const reply = await post004(
    `${http.url}/api/Pay/Create`,
    signPayIn({ amount: amountYuan, appKey: shop.appKey, callbackUrl: `${merchantSite.url}/notify/${mrn}`, channelId: ALIPAY_CHANNEL, mrn, returnUrl: 'https://shop.example/done' }, shop.appSecret),
  );
  return reply.json as { success: boolean; errorMsg: string; payUrl: string };
}

/** What the payer reads on the cashier page: the exact amount to pay, in yuan. */
async function cashierAmount(payUrl: string): Promise<string> {
  const page = await (await fetch(`${http.url}${payUrl}`)).text();
  return /<span id="amount-value">([^<]+)<\/span>/.exec(page)![1]!;
}

async function reportPaid(shop: Shop, amountFen: number, upstreamId: string) {
  return postJson(
    `${http.url}/api/report/${shop.pid}/pc`,
    signed(
      { amount: amountFen, pay_type: 'alipay', channel_code: 'ali_qr', channel_account_id: shop.accountId, order_id: upstreamId, pay_time: '2024-01-01 12:00:00', timestamp: String(nowSeconds()) },
      shop.md5Key,
    ),
  );
}

beforeAll(async () => {
  await core.em().nativeUpdate(Channel, { id: ALIPAY_CHANNEL }, { plugin: 'monitor' });
  pipeline = startQueuePipeline(core, 'doc000-e2e');
  http = await startHttp(core);
  merchantSite = await startCallbackReceiver(() => ({ status: 200, body: 'success' }));
});
afterAll(async () => {
  await http.app.close();
  await merchantSite.close();
  await pipeline.close();
});

function callbacksTo(mrn: string): Array<Record<string, string>> {
  return merchantSite.requests.filter((r) => r.path === `/notify/${mrn}`).map((r) => Object.fromEntries(new URLSearchParams(r.body.toString('utf8'))));
}

describe(`document 000 end to end on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('004 pay-in on the monitor channel → cashier amount → /pc report → order paid → merchant callback; a duplicate report changes nothing', async () => {
    const shop = await openShop('Monitor E2E Shop');
    await heartbeat(shop);
    const created = await createPayIn(shop, 'M-001', '100.00');
    expect(created).toMatchObject({ success: true, errorMsg: '' });
    const payable = await cashierAmount(created.payUrl);
    const order = await core.em().findOneOrFail(PayInOrder, { merchant: shop.id, mrn: 'M-001' });
    expect(formatFenAsYuan(order.payableAmount)).toBe(payable);
    expect(order.collectionAccountId).toBe(shop.accountId);

    const reply = await reportPaid(shop, parseYuanToFen(payable), 'ALI-2024-0001');
    expect(reply.json).toEqual({ code: 200, message: '操作成功', data: { report_id: expect.any(Number), status: 'matched', order_id: order.publicId, reason: null } });

    await merchantSite.waitForRequests(1, 5000);
    const [callback] = callbacksTo('M-001');
    expect(callback).toMatchObject({ amount: payable, originAmount: '100.00', mrn: 'M-001', channel: String(ALIPAY_CHANNEL) });
    expect(callback!.sign).toBe(payInCallbackSign(callback!, shop.appSecret));
    expect(await waitFor(async () => (await core.em().findOne(CallbackDelivery, { subjectId: order.publicId }))?.status === CallbackStatus.Delivered, 5000, 25)).toBe(true);
    const paid = await core.em().findOneOrFail(PayInOrder, { id: order.id });
    expect(paid).toMatchObject({ status: PayInStatus.Paid, paidAmount: order.payableAmount, upstreamTradeNo: 'ALI-2024-0001' });
    const balance = await core.ledger.merchantBalances(core.em(), shop.id);
    expect(balance.available).toBe(order.payableAmount);

    // The same payment again: refused as a duplicate, nothing paid or owed twice.
    const again = await reportPaid(shop, parseYuanToFen(payable), 'ALI-2024-0001');
    expect(again.json.code).toBe(409);
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual(balance);
    expect(await core.em().count(PaymentReport, { merchant: shop.id })).toBe(1);
    expect(await core.em().count(CallbackDelivery, { subjectId: order.publicId })).toBe(1);
  });

  it('50 concurrent pay-ins of one amount on one account get 50 distinct payable amounts, and 50 reports pay exactly those orders', async () => {
    const shop = await openShop('Monitor Concurrency Shop');
    await heartbeat(shop);
    const mrns = Array.from({ length: 50 }, (_, i) => `C-${String(i).padStart(2, '0')}`);
    const created = await Promise.all(mrns.map((mrn) => createPayIn(shop, mrn, '50.00')));
    expect(created.every((c) => c.success)).toBe(true);
    const orders = await core.em().find(PayInOrder, { merchant: shop.id }, { orderBy: { id: 'asc' } });
    expect(orders).toHaveLength(50);
    const amounts = orders.map((o) => o.payableAmount);
    expect(new Set(amounts).size).toBe(50);
    // AMOUNT_STEP_DIRECTION defaults to down: 50.00, 49.99, … never above what was asked.
    expect(Math.max(...amounts)).toBe(5000);
    expect(Math.min(...amounts)).toBeGreaterThanOrEqual(5000 - 60);
    expect(orders.every((o) => o.collectionAccountId === shop.accountId)).toBe(true);

    const replies = await Promise.all(orders.map((o, i) => reportPaid(shop, o.payableAmount, `ALI-C-${i}`)));
    const matched = replies.map((r) => (r.json.data as { status: string; order_id: string }));
    expect(matched.every((m) => m.status === 'matched')).toBe(true);
    expect(matched.map((m) => m.order_id).sort()).toEqual(orders.map((o) => o.publicId).sort());
    for (const [i, m] of matched.entries()) expect(m.order_id).toBe(orders[i]!.publicId);

    const paid = await core.em().find(PayInOrder, { merchant: shop.id, status: PayInStatus.Paid });
    expect(paid).toHaveLength(50);
    expect((await core.ledger.merchantBalances(core.em(), shop.id)).available).toBe(amounts.reduce((s, a) => s + a, 0));
    await merchantSite.waitForRequests(51, 10_000);
    for (const mrn of mrns) expect(callbacksTo(mrn)).toHaveLength(1);
  });

  it('an account whose client stopped sending heartbeats gets no new order', async () => {
    const shop = await openShop('Monitor Offline Shop');
    // The client's last heartbeat was long ago (longer than HEARTBEAT_OFFLINE_SECONDS).
    const longAgo = new Date(Date.now() - (core.config.HEARTBEAT_OFFLINE_SECONDS + 60) * 1000);
    await core.em().transactional((em) => core.monitorClients.heartbeat(em, { merchantId: shop.id, clientName: 'phone-1', now: longAgo }));

    // Refused even before the sweep has run (allocation judges the last heartbeat)…
    const before = await createPayIn(shop, 'OFF-1', '10.00');
    expect(before).toMatchObject({ success: false, payUrl: '' });
    expect(before.errorMsg).toMatch(/channel_unavailable: .*online/);
    // …and after the upstream-polling worker's sweep marked it offline.
    const swept = await runUpstreamTask(core, silentLog, UPSTREAM_TASKS.monitorOfflineSweep);
    expect(swept).toMatchObject({ clients: 1, accounts: 1 });
    expect((await createPayIn(shop, 'OFF-2', '10.00')).success).toBe(false);
    expect(await core.em().count(PayInOrder, { merchant: shop.id })).toBe(0);

    // A heartbeat brings it back.
    await heartbeat(shop);
    expect((await createPayIn(shop, 'OFF-3', '10.00')).success).toBe(true);
  });
});
