import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { onPostgres, setupTestCore } from '../../test/support/core.js';
import { onlineAccount } from '../../test/support/doc000.js';
import { Channel, LedgerEntry, PaymentReport, PaymentReportSource, PaymentReportStatus, PayInOrder, PayInStatus } from '../entities/index.js';
import { isCoreError } from './errors.js';
import type { PaymentReportInput } from './report-matching.js';

const core = await setupTestCore();
const ALIPAY = 2;
const BANK = 3;

beforeAll(async () => {
  await core.em().nativeUpdate(Channel, { id: { $in: [ALIPAY, BANK] } }, { plugin: 'monitor' });
});

async function merchant(): Promise<number> {
  return (await core.merchants.create(core.em(), { name: 'Matching Shop' })).merchant.id;
}

/** A monitor pay-in, created `ageSeconds` ago (so it may have expired). */
async function payIn(merchantId: number, amount: number, opts: { channelId?: number; ageSeconds?: number } = {}): Promise<PayInOrder> {
  const now = new Date(Date.now() - (opts.ageSeconds ?? 0) * 1000);
  const { order } = await core.payins.create(core.em(), {
    merchantId,
    mrn: randomUUID(),
    channelId: opts.channelId ?? ALIPAY,
    amount,
    callbackUrl: 'https://shop.example/notify',
    returnUrl: 'https://shop.example/done',
    baseUrl: 'https://pay.example',
    now,
  });
  return order;
}

function report(merchantId: number, over: Partial<PaymentReportInput>): Promise<ReturnType<typeof core.reportMatching.report>> {
  const input: PaymentReportInput = {
    merchantId,
    source: PaymentReportSource.Pc,
    amount: 100,
    payType: 'alipay',
    channelCode: 'ali_qr',
    identity: { nonce: randomUUID() },
    fields: {},
    ...over,
  };
  return core.reportMatching.report(core.em(), input) as never;
}

async function statusOf(order: PayInOrder): Promise<PayInStatus> {
  return (await core.em().findOneOrFail(PayInOrder, { id: order.id })).status;
}

describe(`report matching on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('pays the one open order with that exact amount on that account, crediting the ledger and owing the callback together', async () => {
    const m = await merchant();
    const account = await onlineAccount(core, m);
    const order = await payIn(m, 2000);
    const outcome = await report(m, { amount: order.payableAmount, collectionAccountId: account.id, upstreamOrderId: 'UP-1' });
    expect(outcome.order?.publicId).toBe(order.publicId);
    expect(outcome.report).toMatchObject({ status: PaymentReportStatus.Matched, collectionAccountId: account.id });
    const paid = await core.em().findOneOrFail(PayInOrder, { id: order.id });
    expect(paid).toMatchObject({ status: PayInStatus.Paid, paidAmount: 2000, upstreamTradeNo: 'UP-1', settledVia: `report:${outcome.report.id}` });
    expect((await core.ledger.merchantBalances(core.em(), m)).available).toBe(2000);
  });

  it('keeps a report that matches nothing as unmatched, and a reviewer can attach it to the order', async () => {
    const m = await merchant();
    const account = await onlineAccount(core, m);
    const order = await payIn(m, 3000);
    const stray = await report(m, { amount: 2999, collectionAccountId: account.id });
    expect(stray).toMatchObject({ order: null, reason: 'no_pending_order' });
    expect((await core.reportMatching.listUnmatched(core.em(), m)).map((r) => r.id)).toEqual([stray.report.id]);
    expect(await statusOf(order)).toBe(PayInStatus.Pending);

    // The payer sent 1 fen less; the merchant confirms it was this order.
    const attached = await core.reportMatching.attach(core.em(), m, stray.report.id, order.publicId, 'admin');
    expect(attached.report.status).toBe(PaymentReportStatus.Attached);
    expect(await core.em().findOneOrFail(PayInOrder, { id: order.id })).toMatchObject({ status: PayInStatus.Paid, paidAmount: 2999 });
    await expect(core.reportMatching.attach(core.em(), m, stray.report.id, order.publicId, 'admin')).rejects.toMatchObject({ code: 'conflict' });
  });

  it('matches by out_order_id when given: exact amount pays it, another amount or an unknown id is kept unmatched', async () => {
    const m = await merchant();
    await onlineAccount(core, m);
    const order = await payIn(m, 5000);
    expect(await report(m, { amount: order.payableAmount + 1, orderRef: order.publicId })).toMatchObject({ order: null, reason: 'amount_mismatch' });
    expect(await report(m, { amount: order.payableAmount, orderRef: 'pi_unknown' })).toMatchObject({ order: null, reason: 'unknown_order' });
    const paid = await report(m, { amount: order.payableAmount, orderRef: order.publicId });
    expect(paid.order?.id).toBe(order.id);
    // Reported again under another fingerprint: the order is already paid, nothing is credited twice.
    expect(await report(m, { amount: order.payableAmount, orderRef: order.publicId })).toMatchObject({ order: null, reason: 'already_paid' });
    expect((await core.ledger.merchantBalances(core.em(), m)).available).toBe(order.payableAmount);
  });

  it('pays an order that expired within REPORT_EXPIRED_GRACE_SECONDS, not one that expired before', async () => {
    const m = await merchant();
    const account = await onlineAccount(core, m);
    const expiry = core.config.PAYIN_EXPIRY_SECONDS;
    const late = await payIn(m, 4000, { ageSeconds: expiry + 30 });
    const tooLate = await payIn(m, 4100, { ageSeconds: expiry + core.config.REPORT_EXPIRED_GRACE_SECONDS + 30 });
    await core.payins.expireDue(core.em());
    expect(await statusOf(late)).toBe(PayInStatus.Expired);

    expect((await report(m, { amount: late.payableAmount, collectionAccountId: account.id })).order?.id).toBe(late.id);
    expect(await statusOf(late)).toBe(PayInStatus.Paid);
    expect(await report(m, { amount: tooLate.payableAmount, collectionAccountId: account.id })).toMatchObject({ order: null, reason: 'no_pending_order' });
    expect(await statusOf(tooLate)).toBe(PayInStatus.Expired);
  });

  it('does not guess between two accounts expecting the same amount; the account name or id settles it', async () => {
    const m = await merchant();
    const a = await onlineAccount(core, m, { accountName: 'alice@example.com', clientName: 'phone-a' });
    const b = await onlineAccount(core, m, { accountName: 'bob@example.com', clientName: 'phone-b' });
    const first = await payIn(m, 8800);
    const second = await payIn(m, 8800);
    // The exact amount fits both accounts, so each order got 88.00 on a different account.
    expect([first.payableAmount, second.payableAmount]).toEqual([8800, 8800]);
    expect(new Set([first.collectionAccountId, second.collectionAccountId])).toEqual(new Set([a.id, b.id]));

    expect(await report(m, { amount: 8800 })).toMatchObject({ order: null, reason: 'ambiguous' });
    const onB = await report(m, { amount: 8800, accountName: 'bob@example.com' });
    expect(onB.order?.collectionAccountId).toBe(b.id);
    const onA = await report(m, { amount: 8800, collectionAccountId: a.id });
    expect(onA.order?.collectionAccountId).toBe(a.id);
  });

  it('narrows a bank SMS to the card whose name ends with the reported tail', async () => {
    const m = await merchant();
    const card1 = await onlineAccount(core, m, { payType: 'bank', channelCode: 'icbc', accountName: '6222020200001234', clientName: 'p1' });
    await onlineAccount(core, m, { payType: 'bank', channelCode: 'icbc', accountName: '6222020200005678', clientName: 'p2' });
    const o1 = await payIn(m, 10_000, { channelId: BANK });
    const o2 = await payIn(m, 10_000, { channelId: BANK });
    const onCard1 = [o1, o2].find((o) => o.collectionAccountId === card1.id)!;
    const outcome = await report(m, { amount: 10_000, payType: 'bank', channelCode: null, accountTail: '1234', source: PaymentReportSource.Notification });
    expect(outcome.order?.id).toBe(onCard1.id);
  });

  it('refuses the same payment twice: same fingerprint, or same upstream order id; concurrent twins pay once', async () => {
    const m = await merchant();
    const account = await onlineAccount(core, m);
    const order = await payIn(m, 1234);
    const identity = { pay_time: '2024-01-01 12:00:00', amount: order.payableAmount };
    const twins = await Promise.allSettled(
      Array.from({ length: 8 }, () => report(m, { amount: order.payableAmount, collectionAccountId: account.id, identity, upstreamOrderId: 'TWIN-1' })),
    );
    const ok = twins.filter((t) => t.status === 'fulfilled');
    expect(ok).toHaveLength(1);
    for (const t of twins) if (t.status === 'rejected') expect(isCoreError(t.reason, 'duplicate')).toBe(true);
    await expect(report(m, { amount: 1, collectionAccountId: account.id, upstreamOrderId: 'TWIN-1' })).rejects.toMatchObject({ code: 'duplicate' });
    expect(await core.em().count(PaymentReport, { merchant: m })).toBe(1);
    expect(await core.em().count(LedgerEntry, { transaction: { idempotencyKey: `payin:${order.id}:paid` } })).toBe(2);
    expect((await core.ledger.merchantBalances(core.em(), m)).available).toBe(1234);
  });

  it('refuses an explicit account that is not the merchant’s, or of another pay type, writing nothing', async () => {
    const m = await merchant();
    const other = await merchant();
    const foreign = await onlineAccount(core, other);
    const wx = await onlineAccount(core, m, { payType: 'wxpay', channelCode: 'wx_qr' });
    await expect(report(m, { collectionAccountId: foreign.id })).rejects.toMatchObject({ code: 'not_found' });
    await expect(report(m, { collectionAccountId: wx.id })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(report(m, { amount: 0 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(report(m, { payType: 'paypal' })).rejects.toMatchObject({ code: 'invalid_input' });
    // No row has an id past 32 bits; PostgreSQL would fail the statement rather than find none.
    await expect(report(m, { collectionAccountId: 2 ** 31 })).rejects.toMatchObject({ code: 'invalid_input', details: { field: 'channel_account_id' } });
    expect(await core.em().count(PaymentReport, { merchant: m })).toBe(0);
  });
});
