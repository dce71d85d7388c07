import { describe, expect, it } from 'vitest';
import { LedgerEntry } from '../entities/index.js';
import { onPostgres, setupTestCore } from '../../test/support/core.js';
import { accountCode, PLATFORM_CLEARING } from './ledger.js';
import { isCoreError } from './errors.js';

const core = await setupTestCore();

async function fundedMerchant(fen: number) {
  const issued = await core.merchants.create(core.em(), { name: 'Ledger Test Shop' });
  const id = issued.merchant.id;
  await core.em().transactional((em) =>
    core.ledger.post(em, {
      idempotencyKey: `test:${id}:fund`,
      reason: 'test_funding',
      merchantId: id,
      legs: [
        { account: PLATFORM_CLEARING, amount: -fen },
        { account: accountCode(id, 'available'), amount: fen },
      ],
    }),
  );
  return id;
}

describe(`ledger on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('lets exactly 100 of 200 concurrent debits through a balance that covers 100, ending at 0', async () => {
    const id = await fundedMerchant(100 * 250);
    const available = accountCode(id, 'available');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        core.em().transactional((em) =>
          core.ledger.post(em, {
            idempotencyKey: `test:${id}:debit:${i}`,
            reason: 'test_debit',
            merchantId: id,
            legs: [
              { account: available, amount: -250 },
              { account: accountCode(id, 'reserved'), amount: 250 },
            ],
          }),
        ),
      ),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(ok).toHaveLength(100);
    expect(refused).toHaveLength(100);
    for (const r of refused) expect(isCoreError((r as PromiseRejectedResult).reason, 'insufficient_balance')).toBe(true);
    expect(await core.ledger.merchantBalances(core.em(), id)).toEqual({ available: 0, reserved: 25_000 });
    // The ledger is a true record: entries of the account sum to its balance and no debit took it below 0.
    const entries = await core.em().find(LedgerEntry, { account: { code: available } }, { orderBy: { id: 'asc' } });
    expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(0);
    const debits = entries.filter((e) => e.amount < 0);
    expect(debits).toHaveLength(100);
    expect(Math.min(...debits.map((e) => e.balanceAfter ?? Number.NaN))).toBe(0);
    // In entry order the running balance never dips below 0 either, and ends at the balance.
    const after = await core.ledger.balancesAfter(core.em(), entries.map((e) => e.id));
    expect(Math.min(...after.values())).toBe(0);
    expect(after.get(entries.at(-1)!.id)).toBe(0);
  });

  it('applies a posting once per idempotency key', async () => {
    const id = await fundedMerchant(1000);
    const posting = {
      idempotencyKey: `test:${id}:once`,
      reason: 'test_debit',
      merchantId: id,
      legs: [
        { account: accountCode(id, 'available'), amount: -300 },
        { account: PLATFORM_CLEARING, amount: 300 },
      ],
    };
    const first = await core.em().transactional((em) => core.ledger.post(em, posting));
    const second = await core.em().transactional((em) => core.ledger.post(em, posting));
    expect(first.posted).toBe(true);
    expect(second).toEqual({ posted: false, reason: 'already_posted' });
    expect((await core.ledger.merchantBalances(core.em(), id)).available).toBe(700);
  });

  it('refuses unbalanced postings and leaves balances untouched', async () => {
    const id = await fundedMerchant(500);
    await expect(
      core.em().transactional((em) =>
        core.ledger.post(em, {
          idempotencyKey: `test:${id}:bad`,
          reason: 'test',
          legs: [{ account: accountCode(id, 'available'), amount: -1 }],
        }),
      ),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await core.ledger.merchantBalances(core.em(), id)).available).toBe(500);
  });

  it('derives platform balances from their entries instead of a shared row', async () => {
    const before = await core.ledger.balance(core.em(), PLATFORM_CLEARING);
    const a = await fundedMerchant(700);
    const b = await fundedMerchant(300);
    expect(await core.ledger.balance(core.em(), PLATFORM_CLEARING)).toBe(before - 1000);
    // The shared row is never written: pay-ins of different merchants do not queue on it.
    const [row] = await core.em().execute<Array<{ balance: number | string }>>("select balance from ledger_account where code = 'platform:clearing'");
    expect(Number(row!.balance)).toBe(0);
    const entries = await core.em().find(LedgerEntry, { account: { code: PLATFORM_CLEARING }, transaction: { merchant: { $in: [a, b] } } });
    expect(entries.map((e) => [e.amount, e.balanceAfter ?? null]).sort()).toEqual([[-300, null], [-700, null]].sort());
  });

  it('folds appended credits into the balance rows on schedule, leaving every balance as it was', async () => {
    const a = await fundedMerchant(700);
    const b = await fundedMerchant(300);
    const pending = (id: number) =>
      core.em().count(LedgerEntry, { account: { code: accountCode(id, 'available') }, pendingFold: true });
    const row = async (id: number) => {
      const [r] = await core.em().execute<Array<{ balance: number | string }>>('select balance from ledger_account where code = ?', [accountCode(id, 'available')]);
      return Number(r!.balance);
    };
    expect([await pending(a), await pending(b)]).toEqual([1, 1]);
    expect([await row(a), await row(b)]).toEqual([0, 0]);

    expect(await core.ledger.foldPendingCredits(core.em())).toBeGreaterThanOrEqual(2);
    expect([await pending(a), await pending(b)]).toEqual([0, 0]);
    expect([await row(a), await row(b)]).toEqual([700, 300]);
    expect(await core.ledger.balance(core.em(), accountCode(a, 'available'))).toBe(700);
    expect(await core.ledger.balance(core.em(), accountCode(b, 'available'))).toBe(300);
    // Nothing left to fold: a second run touches no account.
    expect(await core.ledger.foldPendingCredits(core.em())).toBe(0);
  });

  it('has a database guard that refuses a negative merchant balance even without the conditional update', async () => {
    const id = await fundedMerchant(10);
    await expect(
      core.em().execute(`update ledger_account set balance = -1 where code = ?`, [accountCode(id, 'available')]),
    ).rejects.toThrow(/ledger_account_non_negative/);
  });
});
