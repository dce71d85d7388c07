import { describe, expect, it } from 'vitest';
import { onPostgres, setupTestCore } from '../../test/support/core.js';
import { fundMerchant, issueDoc004Merchant, payoutCallbackSign } from '../../test/support/doc004.js';
import { AuditEntry, CallbackDelivery, Payout } from '../entities/index.js';
import { isCoreError } from './errors.js';
import { PLATFORM_CLEARING } from './ledger.js';

const core = await setupTestCore();
let seq = 0;

function input(merchantId: number, amount: number) {
  return {
    merchantId,
    mrn: `po-core-${seq++}`,
    amount,
    bankName: '招商银行',
    accountName: '王五',
    accountNumber: '6214830000000000',
    callbackUrl: 'http://127.0.0.1:9/po',
  };
}

describe(`payouts on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('reserves on create, moves reserved → clearing on complete, and owes the signed whole-yuan callback once', async () => {
    const shop = await issueDoc004Merchant(core);
    await fundMerchant(core, shop.id, 30_000);
    const payout = await core.payouts.create(core.em(), input(shop.id, 20_000), `merchant:${shop.id}`);
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 10_000, reserved: 20_000 });
    const clearing = await core.ledger.balance(core.em(), PLATFORM_CLEARING);

    const done = await core.payouts.complete(core.em(), { publicId: payout.publicId }, 'cli');
    expect(done.status).toBe('completed');
    expect(done.finishedAt).toBeInstanceOf(Date);
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 10_000, reserved: 0 });
    expect(await core.ledger.balance(core.em(), PLATFORM_CLEARING)).toBe(clearing + 20_000);

    const [delivery] = await core.em().find(CallbackDelivery, { subjectType: 'payout', subjectId: payout.publicId });
    const form = new URLSearchParams(delivery!.body);
    expect([...form.keys()]).toEqual(['amount', 'appKey', 'mrn', 'sign']);
    const fields = Object.fromEntries(form) as Record<string, string>;
    expect(fields).toMatchObject({ amount: '200', appKey: shop.appKey, mrn: payout.mrn });
    expect(fields.sign).toBe(payoutCallbackSign(fields, shop.appSecret));

    // Completing again is a no-op; failing a completed payout is refused.
    await core.payouts.complete(core.em(), { merchantId: shop.id, mrn: payout.mrn }, 'cli');
    expect(await core.em().count(CallbackDelivery, { subjectId: payout.publicId })).toBe(1);
    await expect(core.payouts.fail(core.em(), { publicId: payout.publicId }, 'too late', 'cli')).rejects.toSatisfy((e) => isCoreError(e, 'conflict'));

    const actions = (await core.em().find(AuditEntry, { subjectType: 'payout', subjectId: payout.publicId }, { orderBy: { id: 'asc' } })).map((a) => [a.actor, a.action]);
    expect(actions).toEqual([
      [`merchant:${shop.id}`, 'payout.create'],
      ['cli', 'payout.complete'],
    ]);
  });

  it('releases the reservation on failure, records the reason, and owes no callback', async () => {
    const shop = await issueDoc004Merchant(core);
    await fundMerchant(core, shop.id, 5_000);
    const payout = await core.payouts.create(core.em(), input(shop.id, 5_000), `merchant:${shop.id}`);
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 0, reserved: 5_000 });
    const failed = await core.payouts.fail(core.em(), { publicId: payout.publicId }, 'account frozen', 'admin');
    expect(failed).toMatchObject({ status: 'failed', failureReason: 'account frozen' });
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 5_000, reserved: 0 });
    expect(await core.em().count(CallbackDelivery, { subjectId: payout.publicId })).toBe(0);
    await expect(core.payouts.complete(core.em(), { publicId: payout.publicId }, 'cli')).rejects.toSatisfy((e) => isCoreError(e, 'conflict'));
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 5_000, reserved: 0 });
  });

  it('completes a payout once when completion and failure race', async () => {
    const shop = await issueDoc004Merchant(core);
    await fundMerchant(core, shop.id, 1_000);
    const payout = await core.payouts.create(core.em(), input(shop.id, 1_000), 'cli');
    const outcomes = await Promise.allSettled([
      core.payouts.complete(core.em(), { publicId: payout.publicId }, 'cli'),
      core.payouts.fail(core.em(), { publicId: payout.publicId }, 'race', 'cli'),
      core.payouts.complete(core.em(), { publicId: payout.publicId }, 'cli'),
    ]);
    const final = await core.em().findOneOrFail(Payout, { id: payout.id });
    const balances = await core.ledger.merchantBalances(core.em(), shop.id);
    expect(balances.reserved).toBe(0);
    expect(balances.available).toBe(final.status === 'failed' ? 1_000 : 0);
    expect(outcomes.filter((o) => o.status === 'rejected').length).toBeGreaterThanOrEqual(1);
  });

  it('refuses bad input before writing anything', async () => {
    const shop = await issueDoc004Merchant(core);
    const before = await core.em().count(Payout, {});
    for (const bad of [{ amount: 0 }, { amount: 1.5 }, { mrn: '' }, { accountNumber: 'x'.repeat(65) }, { callbackUrl: 'file:///etc/passwd' }]) {
      await expect(core.payouts.create(core.em(), { ...input(shop.id, 100), ...bad }, 'cli')).rejects.toSatisfy((e) => isCoreError(e, 'invalid_input'));
    }
    expect(await core.em().count(Payout, {})).toBe(before);
  });
});
