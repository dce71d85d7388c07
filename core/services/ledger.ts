import type { EntityManager } from '@mikro-orm/knex';
import { LedgerAccount, LedgerAccountKind, LedgerEntry, LedgerTransaction, type Merchant } from '../entities/index.js';
import { CoreError } from './errors.js';

export interface LedgerLeg {
  /** Account code, e.g. `merchant:42:available` (see `accountCode`). */
  account: string;
  /** Signed integer fen: positive credits, negative debits. */
  amount: number;
}

export interface Posting {
  /** Unique per business event, e.g. `payin:17:paid`; a second posting with it is a no-op. */
  idempotencyKey: string;
  reason: string;
  merchantId?: number | null;
  legs: LedgerLeg[];
}

export type PostingResult = { posted: true; transactionId: number } | { posted: false; reason: 'already_posted' };

export const PLATFORM_CLEARING = 'platform:clearing';
export const PLATFORM_FEES = 'platform:fees';

export function accountCode(merchantId: number, kind: 'available' | 'reserved'): string {
  return `merchant:${merchantId}:${kind}`;
}

/**
 * The double-entry ledger. Every posting balances to zero, happens at most once per
 * idempotency key, and moves tracked balances with one conditional UPDATE per leg, so
 * concurrent debits can never take an account below zero: the row lock (PostgreSQL) or
 * the single writer (SQLite) serialises them and the loser sees the new balance.
 * Platform accounts do not track their balance in-row (LedgerAccount.trackBalance), so
 * pay-ins of different merchants never wait on one shared row.
 */
export class LedgerService {
  /** Opens the two accounts every merchant has. Call inside the merchant's creating transaction. */
  openMerchantAccounts(em: EntityManager, merchant: Merchant): void {
    for (const [kind, suffix] of [
      [LedgerAccountKind.MerchantAvailable, 'available'],
      [LedgerAccountKind.MerchantReserved, 'reserved'],
    ] as const) {
      em.persist(em.create(LedgerAccount, { code: accountCode(merchant.id, suffix), merchant, kind, balance: 0, allowNegative: false }));
    }
  }

  /** Account facts that never change once an account exists, cached by code. */
  private readonly accounts = new Map<string, { id: number; trackBalance: boolean; allowNegative: boolean }>();

  private async accountOf(em: EntityManager, code: string): Promise<{ id: number; trackBalance: boolean; allowNegative: boolean }> {
    let known = this.accounts.get(code);
    if (!known) {
      const row = await em.findOne(LedgerAccount, { code }, { fields: ['id', 'trackBalance', 'allowNegative'] });
      if (!row) throw new CoreError('not_found', `ledger account ${code} does not exist`);
      known = { id: row.id, trackBalance: row.trackBalance, allowNegative: row.allowNegative };
      this.accounts.set(code, known);
    }
    return known;
  }

  /** Applies a posting inside the caller's transaction; throws `insufficient_balance` and leaves nothing applied. */
  async post(em: EntityManager, posting: Posting): Promise<PostingResult> {
    const total = posting.legs.reduce((sum, l) => sum + l.amount, 0);
    if (total !== 0 || posting.legs.some((l) => !Number.isSafeInteger(l.amount))) {
      throw new CoreError('invalid_input', `unbalanced ledger posting ${posting.idempotencyKey}`);
    }
    const inserted = await em.execute<Array<{ id: number }>>(
      `insert into ledger_transaction (idempotency_key, reason, merchant_id, created_at) values (?, ?, ?, ?)
       on conflict (idempotency_key) do nothing returning id`,
      [posting.idempotencyKey, posting.reason, posting.merchantId ?? null, dateParam(em, new Date())],
    );
    const transactionId = inserted[0]?.id;
    if (transactionId === undefined) return { posted: false, reason: 'already_posted' };

    // A stable lock order (by code) keeps two postings touching the same accounts from deadlocking.
    const legs = [...posting.legs].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
    for (const leg of legs) {
      const account = await this.accountOf(em, leg.account);
      let balanceAfter: number | null = null;
      if (account.trackBalance) {
        const rows = await em.execute<Array<{ balance: number | string }>>(
          `update ledger_account set balance = balance + ? where id = ? and (allow_negative or balance + ? >= 0) returning balance`,
          [leg.amount, account.id, leg.amount],
        );
        if (!rows[0]) throw new CoreError('insufficient_balance', `insufficient balance on ${leg.account}`);
        balanceAfter = Number(rows[0].balance);
      } else if (leg.amount < 0 && !account.allowNegative) {
        // An untracked account has no row to guard a debit with; none of ours is debited.
        throw new CoreError('invalid_input', `${leg.account} does not track its balance and cannot be debited`);
      }
      em.persist(
        em.create(LedgerEntry, {
          transaction: em.getReference(LedgerTransaction, Number(transactionId)),
          account: em.getReference(LedgerAccount, account.id),
          amount: leg.amount,
          balanceAfter,
        }),
      );
    }
    await em.flush();
    return { posted: true, transactionId: Number(transactionId) };
  }

  /** An account's balance: its row for tracked accounts, the sum of its entries otherwise. */
  async balance(em: EntityManager, code: string): Promise<number> {
    const account = await em.findOne(LedgerAccount, { code }, { fields: ['balance', 'trackBalance'] });
    if (!account) throw new CoreError('not_found', `ledger account ${code} does not exist`);
    if (account.trackBalance) return account.balance;
    const rows = await em.execute<Array<{ total: number | string | null }>>('select sum(amount) as total from ledger_entry where account_id = ?', [account.id]);
    return Number(rows[0]?.total ?? 0);
  }

  async merchantBalances(em: EntityManager, merchantId: number): Promise<{ available: number; reserved: number }> {
    const accounts = await em.find(LedgerAccount, { code: { $in: [accountCode(merchantId, 'available'), accountCode(merchantId, 'reserved')] } });
    const byCode = new Map(accounts.map((a) => [a.code, a.balance]));
    return {
      available: byCode.get(accountCode(merchantId, 'available')) ?? 0,
      reserved: byCode.get(accountCode(merchantId, 'reserved')) ?? 0,
    };
  }
}

/** Raw SQL needs dates the way the ORM stores them: epoch ms on SQLite, a timestamp on PostgreSQL. */
export function dateParam(em: EntityManager, d: Date): unknown {
  return em.getPlatform().processDateProperty(d);
}
