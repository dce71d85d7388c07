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
 * idempotency key, and moves balances with one conditional UPDATE per leg, so
 * concurrent debits can never take an account below zero: the row lock (PostgreSQL) or
 * the single writer (SQLite) serialises them and the loser sees the new balance.
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
      const rows = await em.execute<Array<{ id: number; balance: number | string }>>(
        `update ledger_account set balance = balance + ? where code = ? and (allow_negative or balance + ? >= 0)
         returning id, balance`,
        [leg.amount, leg.account, leg.amount],
      );
      const row = rows[0];
      if (!row) {
        const exists = await em.count(LedgerAccount, { code: leg.account });
        if (!exists) throw new CoreError('not_found', `ledger account ${leg.account} does not exist`);
        throw new CoreError('insufficient_balance', `insufficient balance on ${leg.account}`);
      }
      em.persist(
        em.create(LedgerEntry, {
          transaction: em.getReference(LedgerTransaction, Number(transactionId)),
          account: em.getReference(LedgerAccount, Number(row.id)),
          amount: leg.amount,
          balanceAfter: Number(row.balance),
        }),
      );
    }
    await em.flush();
    return { posted: true, transactionId: Number(transactionId) };
  }

  async balance(em: EntityManager, code: string): Promise<number> {
    const account = await em.findOne(LedgerAccount, { code }, { fields: ['balance'] });
    if (!account) throw new CoreError('not_found', `ledger account ${code} does not exist`);
    return account.balance;
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
