import { describe, expect, it } from 'vitest';
import { sandboxPayPath } from '../../adapters/channels/sandbox/transformers.js';
import { onPostgres, setupTestCore } from '../../test/support/core.js';
import { issueDoc004Merchant, payInCallbackSign } from '../../test/support/doc004.js';
import { createCore } from '../core.js';
import { AmountClaim, CallbackDelivery, Channel, LedgerTransaction, PayInOrder } from '../entities/index.js';
import type { AmountCandidate, PaymentChannelPlugin } from '../ports/index.js';
import { isCoreError } from './errors.js';
import { accountCode, PLATFORM_CLEARING, PLATFORM_FEES } from './ledger.js';
import { lockPayableInAccounts } from './payin-rows.js';
import { payInFee } from './payins.js';

const core = await setupTestCore();
let seq = 0;

function input(merchantId: number, overrides: Partial<Parameters<typeof core.payins.create>[1]> = {}) {
  return {
    merchantId,
    mrn: `core-${seq++}`,
    channelId: 1,
    amount: 10_000,
    callbackUrl: 'http://127.0.0.1:9/cb',
    returnUrl: 'https://shop.example/r',
    baseUrl: 'http://127.0.0.1:3000',
    ...overrides,
  };
}

/**
 * An allocating channel as document 000's monitor will be: it proposes account 7 at the asked
 * amount and a few fen below, and core must hand each open order a different pair.
 */
const allocating: PaymentChannelPlugin = {
  id: 'test-allocating',
  displayName: 'Allocating test channel',
  async planPayAction(request, context) {
    const steps = Math.min(context.amountSteps.count, 2);
    const candidates: AmountCandidate[] = Array.from({ length: steps + 1 }, (_, i) => ({
      collectionAccountId: 7,
      payableAmount: request.amount - i,
      action: { kind: 'qr', content: `wxp://account-7/${request.amount - i}` },
    }));
    return { candidates };
  },
};
const allocatingCore = createCore({ config: core.config, orm: core.orm, secrets: core.secrets, channels: [allocating] });

describe(`pay-ins on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('floors the fee in the merchant’s favour, exactly', () => {
    expect(payInFee(10_001, 250)).toBe(250);
    expect(payInFee(399, 250)).toBe(9);
    expect(payInFee(100, 0)).toBe(0);
    expect(payInFee(9_007_199_254_740_991, 10_000)).toBe(9_007_199_254_740_991);
  });

  it('settles once: credits amount − fee, posts the fee, owes a signed callback with the actual and asked amounts', async () => {
    const shop = await issueDoc004Merchant(core, 250);
    const { order } = await core.payins.create(core.em(), input(shop.id, { amount: 10_001, channelId: 5 }));
    const result = await core.payins.settle(core.em(), order.publicId, { amountReceived: 10_001, upstreamTradeNo: 'T1', source: 'test' });
    expect(result.outcome).toBe('paid');
    expect(result.order).toMatchObject({ status: 'paid', paidAmount: 10_001, feeAmount: 250, upstreamTradeNo: 'T1', settledVia: 'test' });
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 9_751, reserved: 0 });
    const postings = await core.em().find(LedgerTransaction, { idempotencyKey: `payin:${order.id}:paid` });
    expect(postings).toHaveLength(1);

    const [delivery] = await core.em().find(CallbackDelivery, { subjectType: 'payin', subjectId: order.publicId });
    expect(delivery).toMatchObject({ profile: 'doc004', url: 'http://127.0.0.1:9/cb', contentType: 'application/x-www-form-urlencoded' });
    const form = new URLSearchParams(delivery!.body);
    expect([...form.keys()]).toEqual(['amount', 'appKey', 'channel', 'mrn', 'originAmount', 'sign']);
    const fields = Object.fromEntries(form) as Record<string, string>;
    expect(fields).toMatchObject({ amount: '100.01', appKey: shop.appKey, channel: '5', mrn: order.mrn, originAmount: '100.01' });
    expect(fields.sign).toBe(payInCallbackSign(fields, shop.appSecret));

    const again = await core.payins.settle(core.em(), order.publicId, { amountReceived: 10_001, upstreamTradeNo: 'T1', source: 'test' });
    expect(again.outcome).toBe('already_paid');
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 9_751, reserved: 0 });
    expect(await core.em().count(CallbackDelivery, { subjectId: order.publicId })).toBe(1);
  });

  it('pays an order once when many settle it at the same time', async () => {
    const shop = await issueDoc004Merchant(core);
    const { order } = await core.payins.create(core.em(), input(shop.id));
    const clearingBefore = await core.ledger.balance(core.em(), PLATFORM_CLEARING);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => core.payins.settle(core.em(), order.publicId, { amountReceived: 10_000, upstreamTradeNo: `R${i}`, source: 'test' })),
    );
    expect(results.filter((r) => r.outcome === 'paid')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'already_paid')).toHaveLength(9);
    expect(await core.ledger.balance(core.em(), accountCode(shop.id, 'available'))).toBe(10_000);
    expect(await core.ledger.balance(core.em(), PLATFORM_CLEARING)).toBe(clearingBefore - 10_000);
  });

  it('keeps the asked and the received amounts apart when a payer pays a different amount', async () => {
    const shop = await issueDoc004Merchant(core);
    const { order } = await core.payins.create(core.em(), input(shop.id, { amount: 5_000 }));
    const { order: paid } = await core.payins.settle(core.em(), order.publicId, { amountReceived: 4_990, upstreamTradeNo: null, source: 'test' });
    expect(paid).toMatchObject({ originAmount: 5_000, paidAmount: 4_990 });
    const delivery = await core.em().findOneOrFail(CallbackDelivery, { subjectId: order.publicId });
    expect(Object.fromEntries(new URLSearchParams(delivery.body))).toMatchObject({ amount: '49.90', originAmount: '50.00' });
  });

  it('refuses an expired order, unless a late report within the grace asks for it', async () => {
    const shop = await issueDoc004Merchant(core);
    const { order } = await core.payins.create(core.em(), input(shop.id));
    await core.em().nativeUpdate(PayInOrder, { id: order.id }, { expiresAt: new Date(Date.now() - 1000) });
    const settle = (allowExpiredWithinGrace: boolean) =>
      core.payins.settle(core.em(), order.publicId, { amountReceived: 10_000, upstreamTradeNo: null, source: 'test', allowExpiredWithinGrace });
    await expect(settle(false)).rejects.toSatisfy((e) => isCoreError(e, 'conflict'));
    expect((await core.payins.expireDue(core.em())).expired).toBeGreaterThanOrEqual(1);
    expect((await core.em().findOneOrFail(PayInOrder, { id: order.id })).status).toBe('expired');
    expect((await settle(true)).outcome).toBe('paid');

    const { order: late } = await core.payins.create(core.em(), input(shop.id));
    const graceMs = core.config.REPORT_EXPIRED_GRACE_SECONDS * 1000;
    await core.em().nativeUpdate(PayInOrder, { id: late.id }, { expiresAt: new Date(Date.now() - graceMs - 1000) });
    await expect(
      core.payins.settle(core.em(), late.publicId, { amountReceived: 1, upstreamTradeNo: null, source: 'test', allowExpiredWithinGrace: true }),
    ).rejects.toSatisfy((e) => isCoreError(e, 'conflict'));
  });

  it('refuses a resubmitted mrn once its order is no longer pending, or with another channel', async () => {
    const shop = await issueDoc004Merchant(core);
    const first = input(shop.id);
    const { order } = await core.payins.create(core.em(), first);
    await expect(core.payins.create(core.em(), { ...first, channelId: 2 })).rejects.toSatisfy((e) => isCoreError(e, 'duplicate'));
    await core.payins.settle(core.em(), order.publicId, { amountReceived: 10_000, upstreamTradeNo: null, source: 'test' });
    await expect(core.payins.create(core.em(), first)).rejects.toSatisfy((e) => isCoreError(e, 'duplicate'));
  });

  it('answers concurrent submissions of one mrn with one order', async () => {
    const shop = await issueDoc004Merchant(core);
    const same = input(shop.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => core.payins.create(core.em(), same)));
    expect(new Set(results.map((r) => r.order.publicId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });

  it('routes by the channel table: a named plugin that is not registered, or a disabled channel, is refused', async () => {
    const shop = await issueDoc004Merchant(core);
    await core.em().nativeUpdate(Channel, { id: 14 }, { plugin: 'not-installed' });
    await core.em().nativeUpdate(Channel, { id: 15 }, { enabled: false });
    await expect(core.payins.create(core.em(), input(shop.id, { channelId: 14 }))).rejects.toSatisfy((e) => isCoreError(e, 'unavailable'));
    await expect(core.payins.create(core.em(), input(shop.id, { channelId: 15 }))).rejects.toSatisfy((e) => isCoreError(e, 'invalid_input'));
    await core.em().nativeUpdate(Channel, { id: 14 }, { plugin: null });
    await core.em().nativeUpdate(Channel, { id: 15 }, { enabled: true });
  });

  it('settles a sandbox notification only with the sandbox’s own signature and only for its own orders', async () => {
    const shop = await issueDoc004Merchant(core);
    const { order } = await core.payins.create(core.em(), input(shop.id, { amount: 777 }));
    const key = core.secrets.derive('channel:sandbox');
    const query = (path: string) => Object.fromEntries(new URL(path, 'http://x').searchParams);
    const forged = query(sandboxPayPath(Buffer.alloc(32, 1), order.publicId, 777));
    await expect(core.payins.acceptChannelNotification(core.em(), 'sandbox', { headers: {}, query: forged, body: undefined })).rejects.toSatisfy((e) =>
      isCoreError(e, 'unauthenticated'),
    );
    const genuine = query(sandboxPayPath(key, order.publicId, 777));
    const { settled } = await core.payins.acceptChannelNotification(core.em(), 'sandbox', { headers: {}, query: genuine, body: undefined });
    expect(settled).toMatchObject({ outcome: 'paid', order: { paidAmount: 777, upstreamTradeNo: `sandbox:${order.publicId}`, settledVia: 'channel:sandbox' } });
  });

  it('gives concurrent orders of an allocating channel distinct (account, amount) pairs and refuses when none is free', async () => {
    const shop = await issueDoc004Merchant(core);
    await core.em().nativeUpdate(Channel, { id: 13 }, { plugin: 'test-allocating' });
    try {
      const created = await Promise.all(Array.from({ length: 3 }, () => allocatingCore.payins.create(core.em(), input(shop.id, { channelId: 13, amount: 5_000 }))));
      expect(created.map((c) => c.order.payableAmount).sort()).toEqual([4_998, 4_999, 5_000]);
      for (const c of created) {
        expect(c.order.collectionAccountId).toBe(7);
        expect(c.order.originAmount).toBe(5_000);
        expect(c.order.payAction).toEqual({ kind: 'qr', content: `wxp://account-7/${c.order.payableAmount}` });
      }
      await expect(allocatingCore.payins.create(core.em(), input(shop.id, { channelId: 13, amount: 5_000 }))).rejects.toSatisfy((e) => isCoreError(e, 'unavailable'));
      expect(await core.em().count(PayInOrder, { merchant: shop.id })).toBe(3);

      // The matcher finds exactly the order expecting 49.99 on account 7; paying it frees the pair.
      const [match] = await core.em().transactional((tx) =>
        lockPayableInAccounts(tx, { merchantId: shop.id, payableAmount: 4_999, accounts: [7], since: new Date(), includeExpired: false }),
      );
      expect(match!.payableAmount).toBe(4_999);
      await core.payins.settle(core.em(), match!.publicId, { amountReceived: 4_999, upstreamTradeNo: 'r1', source: 'report:1', allowExpiredWithinGrace: true });
      expect(await core.em().count(AmountClaim, { order: match!.id })).toBe(0);
      const next = await allocatingCore.payins.create(core.em(), input(shop.id, { channelId: 13, amount: 5_000 }));
      expect(next.order.payableAmount).toBe(4_999);

      // A pair held by an order expired beyond the grace is taken over without waiting for the sweep.
      const graceMs = core.config.REPORT_EXPIRED_GRACE_SECONDS * 1000;
      await core.em().nativeUpdate(PayInOrder, { id: next.order.id }, { expiresAt: new Date(Date.now() - graceMs - 1000) });
      const takeover = await allocatingCore.payins.create(core.em(), input(shop.id, { channelId: 13, amount: 5_000 }));
      expect(takeover.order.payableAmount).toBe(4_999);
    } finally {
      await core.em().nativeUpdate(Channel, { id: 13 }, { plugin: null });
    }
  });

  it('expireDue frees the pairs of orders expired beyond the grace', async () => {
    const shop = await issueDoc004Merchant(core);
    await core.em().nativeUpdate(Channel, { id: 12 }, { plugin: 'test-allocating' });
    try {
      const { order } = await allocatingCore.payins.create(core.em(), input(shop.id, { channelId: 12, amount: 3_333 }));
      expect(await core.em().count(AmountClaim, { order: order.id })).toBe(1);
      const graceMs = core.config.REPORT_EXPIRED_GRACE_SECONDS * 1000;
      await core.em().nativeUpdate(PayInOrder, { id: order.id }, { expiresAt: new Date(Date.now() - graceMs - 1000) });
      const swept = await core.payins.expireDue(core.em());
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect(await core.em().count(AmountClaim, { order: order.id })).toBe(0);
      expect(await core.ledger.balance(core.em(), PLATFORM_FEES)).toBeGreaterThanOrEqual(0);
    } finally {
      await core.em().nativeUpdate(Channel, { id: 12 }, { plugin: null });
    }
  });
});
