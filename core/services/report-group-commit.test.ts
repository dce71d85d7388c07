import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { postgresBase, setupTestCore } from '../../test/support/core.js';
import { onlineAccount } from '../../test/support/doc000.js';
import { backendsWaitingForLocks } from '../../test/support/lock-waits.js';
import { waitFor } from '../../test/support/processes.js';
import { CallbackDelivery, Channel, PaymentReport, PayInOrder, PayInStatus, ReportReplay } from '../entities/index.js';
import { isCoreError } from './errors.js';
import { reportFingerprint, type PaymentReportInput, type ReportOutcome } from './report-matching.js';
import type { ReplayGuard } from './report-replays.js';

// Group commit is PostgreSQL's (SQLite has one writer and no round trips). One report
// transaction at a time, so that every report sent while the first is open joins one group.
const core = await setupTestCore({ REPORT_TRANSACTIONS: '1', REPORT_GROUP_SIZE: '32' }, { databaseBase: postgresBase });
// Two transactions at once, small groups: reports for one order land in different groups
// that lock the same rows in different orders (deadlocks are possible and must only cost time).
const fighting = await setupTestCore({ REPORT_TRANSACTIONS: '2', REPORT_GROUP_SIZE: '5' }, { databaseBase: postgresBase });
let merchantId = 0;
let accountId = 0;

beforeAll(async () => {
  await core.em().nativeUpdate(Channel, { id: 2 }, { plugin: 'monitor' });
  merchantId = (await core.merchants.create(core.em(), { name: 'Group Commit Shop' })).merchant.id;
  accountId = (await onlineAccount(core, merchantId)).id;
});

async function openOrder(): Promise<PayInOrder> {
  const { order } = await core.payins.create(core.em(), {
    merchantId,
    mrn: randomUUID(),
    channelId: 2,
    amount: 1000 + Math.floor(Math.random() * 90_000),
    callbackUrl: 'https://shop.example/notify',
    returnUrl: 'https://shop.example/done',
    baseUrl: 'https://pay.example',
  });
  return order;
}

interface Sent {
  input: Omit<PaymentReportInput, 'source'>;
  guard: ReplayGuard;
}

function paymentOf(amount: number, over: Partial<Sent['input']> = {}): Sent {
  return {
    input: { merchantId, amount, payType: 'alipay', channelCode: 'ali_qr', collectionAccountId: accountId, identity: { n: randomUUID() }, fields: {}, ...over },
    guard: { caller: `merchant:${merchantId}`, signature: randomUUID(), timestamp: new Date() },
  };
}

/** Sends the reports at once, as concurrent requests would: settled outcomes, in order. */
function sendTogether(reports: Sent[]): Promise<Array<PromiseSettledResult<ReportOutcome>>> {
  return Promise.allSettled(reports.map((r) => core.monitorReports.reportPayment(core.em(), r.input, r.guard)));
}

function outcomes(settled: Array<PromiseSettledResult<ReportOutcome>>): ReportOutcome[] {
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}

/** The transactions that wrote these reports (rows written by one transaction share its xmin). */
async function transactionsOf(reportIds: number[]): Promise<number> {
  const [row] = await core.em().getConnection().execute<Array<{ n: string }>>('select count(distinct xmin::text) as n from payment_report where id in (?)', [reportIds]);
  return Number(row!.n);
}

describe('group commit of monitor reports (PostgreSQL)', () => {
  it('commits the reports that arrive while a report transaction is open in one transaction, each paying its own order', async () => {
    const orders = await Promise.all(Array.from({ length: 9 }, () => openOrder()));
    const before = (await core.ledger.merchantBalances(core.em(), merchantId)).available;
    const paid = outcomes(await sendTogether(orders.map((o) => paymentOf(o.payableAmount))));

    expect(paid.map((p) => p.order?.publicId)).toEqual(orders.map((o) => o.publicId));
    // The first report had the one transaction to itself; the eight sent meanwhile shared the next.
    expect(await transactionsOf(paid.slice(1).map((p) => p.report.id))).toBe(1);
    expect(await transactionsOf(paid.map((p) => p.report.id))).toBe(2);

    const rows = await core.em().find(PayInOrder, { id: { $in: orders.map((o) => o.id) } });
    expect(rows.every((o) => o.status === PayInStatus.Paid)).toBe(true);
    const credited = rows.reduce((sum, o) => sum + o.paidAmount! - o.feeAmount!, 0);
    expect((await core.ledger.merchantBalances(core.em(), merchantId)).available - before).toBe(credited);
    expect(await core.em().count(CallbackDelivery, { subjectType: 'payin', subjectId: { $in: orders.map((o) => o.publicId) } })).toBe(orders.length);
  });

  it('answers a refused report as it would be alone, and commits the rest of its group without it', async () => {
    const [first, a, b] = await Promise.all([openOrder(), openOrder(), openOrder()]);
    const earlier = paymentOf(99_999, { identity: { n: 'reported once already' } });
    await core.monitorReports.reportPayment(core.em(), earlier.input, earlier.guard);
    const reportA = paymentOf(a!.payableAmount);
    const group = [
      paymentOf(first!.payableAmount),
      reportA,
      paymentOf(99_999, { identity: { n: 'reported once already' } }),
      paymentOf(b!.payableAmount),
      // The same signed request again, within the same group.
      reportA,
      paymentOf(500, { collectionAccountId: 987_654 }),
    ];
    const reportsBefore = await core.em().count(PaymentReport, { merchant: merchantId });

    const [, okA, duplicate, okB, replay, unknownAccount] = await sendTogether(group);

    expect(okA).toMatchObject({ status: 'fulfilled', value: { order: { publicId: a!.publicId } } });
    expect(okB).toMatchObject({ status: 'fulfilled', value: { order: { publicId: b!.publicId } } });
    const refusal = (s: PromiseSettledResult<ReportOutcome> | undefined) => (s?.status === 'rejected' && isCoreError(s.reason) ? [s.reason.code, s.reason.message] : s);
    expect(refusal(duplicate)).toEqual(['duplicate', 'this payment was already reported']);
    expect(refusal(replay)).toEqual(['duplicate', 'this signed request was already received']);
    expect(refusal(unknownAccount)).toEqual(['not_found', 'no collection account 987654 for this merchant']);
    // The two that were not refused still went together, in one transaction of their own.
    const ids = [okA, okB].map((s) => (s as PromiseFulfilledResult<ReportOutcome>).value.report.id);
    expect(await transactionsOf(ids)).toBe(1);
    // Nothing of the refused reports was kept: a report and a claim for each accepted request only.
    expect(await core.em().count(PaymentReport, { merchant: merchantId })).toBe(reportsBefore + 3);
    expect(await core.em().count(ReportReplay, { signature: { $in: group.map((r) => r.guard.signature) } })).toBe(3);
  });

  it('refuses the same payment twice in one group as a duplicate, and commits the rest of the group together', async () => {
    const [first, a, b] = await Promise.all([openOrder(), openOrder(), openOrder()]);
    const twin = paymentOf(a!.payableAmount);
    // Signed twice (two requests), so only the payment makes them one.
    const again = { ...twin, guard: { ...twin.guard, signature: randomUUID() } };
    const [, paid, duplicate, other] = await sendTogether([paymentOf(first!.payableAmount), twin, again, paymentOf(b!.payableAmount)]);
    expect(paid).toMatchObject({ status: 'fulfilled', value: { order: { publicId: a!.publicId } } });
    expect(other).toMatchObject({ status: 'fulfilled', value: { order: { publicId: b!.publicId } } });
    expect(duplicate).toMatchObject({ status: 'rejected', reason: { code: 'duplicate', message: 'this payment was already reported' } });
    // The group was not failed by the twin's insert and run again report by report.
    const ids = [paid, other].map((s) => (s as PromiseFulfilledResult<ReportOutcome>).value.report.id);
    expect(await transactionsOf(ids)).toBe(1);
  });

  it('decides the reports of a group one after another: an order paid by one is not there for the next', async () => {
    const order = await openOrder();
    const settled = outcomes(
      await sendTogether([
        paymentOf((await openOrder()).payableAmount),
        paymentOf(order.payableAmount),
        // Another payment of the same amount: alone after the first it would find no order left.
        paymentOf(order.payableAmount),
        // A report naming the order: alone after the first it would find it paid.
        paymentOf(order.payableAmount, { orderRef: order.publicId }),
      ]),
    );
    const [, payer, sameAmount, naming] = settled;
    expect(payer).toMatchObject({ order: { publicId: order.publicId }, reason: null });
    expect(sameAmount).toMatchObject({ order: null, reason: 'no_pending_order' });
    expect(naming).toMatchObject({ order: null, reason: 'already_paid' });
    expect(await transactionsOf([payer!, sameAmount!, naming!].map((o) => o.report.id))).toBe(1);
    const credits = await core.em().getConnection().execute<Array<{ n: string }>>('select count(*) as n from ledger_transaction where idempotency_key = ?', [`payin:${order.id}:paid`]);
    expect(Number(credits[0]!.n)).toBe(1);
  });

  it('takes an order from the later reports of a group only once an earlier one has paid it', async () => {
    const expired = await openOrder();
    // Past its time and past the late-report grace: no report can pay it.
    await core.em().nativeUpdate(PayInOrder, { id: expired.id }, { expiresAt: new Date(Date.now() - (core.config.REPORT_EXPIRED_GRACE_SECONDS + 60) * 1000) });
    const naming = () => paymentOf(expired.payableAmount, { orderRef: expired.publicId });
    const settled = outcomes(await sendTogether([paymentOf((await openOrder()).payableAmount), naming(), naming()]));
    expect(settled.slice(1).map((o) => o.reason)).toEqual(['order_not_payable', 'order_not_payable']);
    expect(await transactionsOf(settled.slice(1).map((o) => o.report.id))).toBe(1);
  });

  it('keeps the money right when concurrent groups fight over the same orders: each paid once, each credit once, every report answered', async () => {
    await fighting.em().nativeUpdate(Channel, { id: 2 }, { plugin: 'monitor' });
    const shopId = (await fighting.merchants.create(fighting.em(), { name: 'Contended Shop' })).merchant.id;
    const shopAccount = (await onlineAccount(fighting, shopId)).id;
    const orders: PayInOrder[] = [];
    for (let i = 0; i < 12; i++) {
      const { order } = await fighting.payins.create(fighting.em(), {
        merchantId: shopId,
        mrn: randomUUID(),
        channelId: 2,
        amount: 1000 + i * 100,
        callbackUrl: 'https://shop.example/notify',
        returnUrl: 'https://shop.example/done',
        baseUrl: 'https://pay.example',
      });
      orders.push(order);
    }
    const sent: Sent[] = [];
    const report = (order: PayInOrder, over: Partial<Sent['input']> = {}): Sent => ({
      input: { merchantId: shopId, amount: order.payableAmount, payType: 'alipay', channelCode: 'ali_qr', collectionAccountId: shopAccount, identity: { n: randomUUID() }, fields: {}, ...over },
      guard: { caller: `merchant:${shopId}`, signature: randomUUID(), timestamp: new Date() },
    });
    for (const order of orders) {
      const byAmount = report(order);
      // Two payments of the amount, one naming the order, and the first one sent twice.
      sent.push(byAmount, report(order), report(order, { orderRef: order.publicId }), byAmount);
    }
    // Interleaved so that every group holds reports of several orders, in shuffled order.
    sent.sort(() => Math.random() - 0.5);
    const settled = await Promise.allSettled(sent.map((r) => fighting.monitorReports.reportPayment(fighting.em(), r.input, r.guard)));

    const answered = settled.map((s) => (s.status === 'fulfilled' ? (s.value.order ? 'paid' : s.value.reason) : isCoreError(s.reason) ? s.reason.code : String(s.reason)));
    expect(answered.filter((a) => a === 'paid')).toHaveLength(orders.length);
    // Everything else is a loser's answer, never an error of ours.
    expect(new Set(answered.filter((a) => a !== 'paid'))).toSatisfy((reasons: Set<string>) => [...reasons].every((r) => ['no_pending_order', 'already_paid', 'duplicate'].includes(r)));
    const paidOrders = settled.flatMap((s) => (s.status === 'fulfilled' && s.value.order ? [s.value.order.id] : []));
    expect(new Set(paidOrders).size).toBe(orders.length);

    const rows = await fighting.em().find(PayInOrder, { merchant: shopId });
    expect(rows.map((o) => o.status)).toEqual(orders.map(() => PayInStatus.Paid));
    const credited = rows.reduce((sum, o) => sum + o.paidAmount! - o.feeAmount!, 0);
    expect((await fighting.ledger.merchantBalances(fighting.em(), shopId)).available).toBe(credited);
    expect(await fighting.em().count(CallbackDelivery, { merchant: shopId })).toBe(orders.length);
    // One report row per accepted request, one replay claim per accepted request.
    const accepted = settled.filter((s) => s.status === 'fulfilled').length;
    expect(await fighting.em().count(PaymentReport, { merchant: shopId })).toBe(accepted);
    expect(await fighting.em().count(ReportReplay, { caller: `merchant:${shopId}` })).toBe(accepted);
  }, 30_000);

  it('answers duplicate, paying nothing, to a report whose twin another transaction stored between its two trips', async () => {
    const order = await openOrder();
    const twin = paymentOf(order.payableAmount);
    // The twin, written and not yet committed: the report's first trip cannot see it.
    const other = new pg.Client({ connectionString: core.databaseUrl });
    await other.connect();
    try {
      await other.query('begin');
      await other.query(
        `insert into payment_report (merchant_id, source, fingerprint, amount, pay_type, fields, status, received_at)
         values ($1, 'pc', $2, $3, 'alipay', '{}', 'unmatched', now())`,
        [merchantId, reportFingerprint(merchantId, 'pc', twin.input.identity), order.payableAmount],
      );
      const answer = core.monitorReports.reportPayment(core.em(), twin.input, twin.guard);
      answer.catch(() => {});
      // Its second trip's insert waits on the twin's uncommitted row.
      expect(await waitFor(async () => (await backendsWaitingForLocks(other)) === 1, 5000, 20)).toBe(true);
      await other.query('commit');
      await expect(answer).rejects.toMatchObject({ code: 'duplicate', message: 'this payment was already reported' });
    } finally {
      await other.end();
    }
    const row = await core.em().fork().findOneOrFail(PayInOrder, order.id);
    expect(row.status).toBe(PayInStatus.Pending);
    expect(await core.em().fork().count(ReportReplay, { signature: twin.guard.signature })).toBe(0);
  });

  it('runs a group that fails for any other reason again report by report, so one bad report fails alone', async () => {
    const orders = await Promise.all([openOrder(), openOrder(), openOrder()]);
    const settled = await sendTogether([
      paymentOf(orders[0]!.payableAmount),
      paymentOf(orders[1]!.payableAmount),
      // PostgreSQL refuses a NUL in text: this statement fails, and with it the whole group's transaction.
      paymentOf(500, { fields: { remark: 'nul \u0000 inside' } }),
      paymentOf(orders[2]!.payableAmount),
    ]);
    expect(settled[2]!.status).toBe('rejected');
    expect(settled.filter((s) => s.status === 'fulfilled').map((s) => (s as PromiseFulfilledResult<ReportOutcome>).value.order?.publicId)).toEqual(
      orders.map((o) => o.publicId),
    );
    const paid = await core.em().find(PayInOrder, { id: { $in: orders.map((o) => o.id) } });
    expect(paid.map((o) => o.status)).toEqual(orders.map(() => PayInStatus.Paid));
  });
});
