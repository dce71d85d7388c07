import type { EntityManager } from '@mikro-orm/knex';
import { LedgerAccount, LedgerAccountKind, type Merchant } from '../entities/index.js';
import { databaseKindOfEm } from '../db/kind.js';
import { dateParam, placeholders, runInOneTrip, type Statement } from '../db/raw-sql.js';
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

interface KnownAccount {
  id: number;
  trackBalance: boolean;
  allowNegative: boolean;
}

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
  private readonly accounts = new Map<string, KnownAccount>();

  private async accountOf(em: EntityManager, code: string): Promise<KnownAccount> {
    let known = this.accounts.get(code);
    if (!known) {
      // Through runInOneTrip, so inside an inTripTransaction it uses the transaction's own
      // connection (an ORM query would wait for a second one from the pool).
      const [rows] = await runInOneTrip(em, [
        { sql: 'select id, track_balance, allow_negative from ledger_account where code = ?', params: [code], returnsRows: true },
      ]);
      const row = rows![0];
      if (!row) throw new CoreError('not_found', `ledger account ${code} does not exist`);
      known = { id: Number(row.id), trackBalance: Boolean(row.track_balance), allowNegative: Boolean(row.allow_negative) };
      this.accounts.set(code, known);
    }
    return known;
  }

  /** Applies a posting inside the caller's transaction; throws `insufficient_balance` and leaves nothing applied. */
  async post(em: EntityManager, posting: Posting): Promise<PostingResult> {
    checkBalanced(posting);
    const createdAt = dateParam(em, new Date());
    const inserted = await em.execute<Array<{ id: number }>>(
      `insert into ledger_transaction (idempotency_key, reason, merchant_id, created_at) values (?, ?, ?, ?)
       on conflict (idempotency_key) do nothing returning id`,
      [posting.idempotencyKey, posting.reason, posting.merchantId ?? null, createdAt],
    );
    const transactionId = inserted[0]?.id === undefined ? undefined : Number(inserted[0].id);
    if (transactionId === undefined) return { posted: false, reason: 'already_posted' };

    const accounts = await this.accountsOf(em, posting);
    const appended = accounts.filter(isAppended);
    if (appended.length > 0) {
      const entries = entriesStatement(appended, transactionId, createdAt);
      await em.execute(entries.sql, entries.params, 'run');
    }
    // Debits go last: their row lock is what concurrent debits of the same account queue on,
    // so it is taken as late as possible and held only until the commit. A stable lock
    // order (by code) keeps two postings debiting the same accounts from deadlocking.
    const debits = accounts.filter((a) => !isAppended(a)).sort((a, b) => (a.leg.account < b.leg.account ? -1 : 1));
    for (const { leg, account } of debits) {
      await this.fold(em, account.id);
      if (!(await this.debit(em, transactionId, account.id, leg.amount, createdAt))) {
        throw new CoreError('insufficient_balance', `insufficient balance on ${leg.account}`);
      }
    }
    return { posted: true, transactionId };
  }

  /**
   * The statements of a posting that only appends (credits, and legs of untracked accounts),
   * for a caller that sends them in one round trip with its own writes (runInOneTrip). The
   * idempotency key is inserted without `on conflict`: the caller's own state change (e.g. a
   * pay-in leaving `pending` under its row lock) already makes the event happen once, and a
   * second posting would abort the transaction on the unique key rather than be skipped.
   */
  async appendOnlyPosting(em: EntityManager, posting: Posting): Promise<Statement[]> {
    checkBalanced(posting);
    const accounts = await this.accountsOf(em, posting);
    const guarded = accounts.find((a) => !isAppended(a));
    if (guarded) throw new CoreError('invalid_input', `${guarded.leg.account} is debited: the posting ${posting.idempotencyKey} needs post()`);
    const createdAt = dateParam(em, new Date());
    return [
      {
        sql: 'insert into ledger_transaction (idempotency_key, reason, merchant_id, created_at) values (?, ?, ?, ?)',
        params: [posting.idempotencyKey, posting.reason, posting.merchantId ?? null, createdAt],
      },
      entriesStatement(accounts, { idempotencyKey: posting.idempotencyKey }, createdAt),
    ];
  }

  private async accountsOf(em: EntityManager, posting: Posting): Promise<AccountLeg[]> {
    const accounts: AccountLeg[] = [];
    for (const leg of posting.legs) accounts.push({ leg, account: await this.accountOf(em, leg.account) });
    for (const { leg, account } of accounts) {
      // An untracked account has no row to guard a debit with; none of ours is debited.
      if (!account.trackBalance && leg.amount < 0 && !account.allowNegative) {
        throw new CoreError('invalid_input', `${leg.account} does not track its balance and cannot be debited`);
      }
    }
    return accounts;
  }

  /**
   * Folds the appended credits of up to `limit` tracked accounts into their rows, each in
   * a transaction of its own (one row lock at a time, so it cannot deadlock with a payout
   * that debits two accounts). Run on a schedule (upstream-polling): balance reads sum an
   * account's unfolded credits, and an account that only ever receives money (no payout
   * folds it) would otherwise make every read of its balance longer. Returns how many
   * accounts it folded.
   */
  async foldPendingCredits(em: EntityManager, limit = 200): Promise<number> {
    const rows = await em.execute<Array<{ id: number | string }>>(
      `select a.id from ledger_account a
       where a.track_balance and exists (select 1 from ledger_entry e where e.account_id = a.id and e.pending_fold)
       order by a.id limit ?`,
      [limit],
    );
    for (const row of rows) await em.fork().transactional((tx) => this.fold(tx, Number(row.id)));
    return rows.length;
  }

  /**
   * Moves the account's credits appended since its last fold into its row (locking it), in
   * one statement on PostgreSQL so exactly the entries marked are the ones added. Keeps the
   * balance as it was, so it is correct to commit even if the debit after it is refused.
   */
  private async fold(em: EntityManager, accountId: number): Promise<void> {
    if (databaseKindOfEm(em) === 'postgresql') {
      await em.execute(
        `with folded as (update ledger_entry set pending_fold = false where account_id = ? and pending_fold returning amount)
         update ledger_account set balance = balance + (select coalesce(sum(amount), 0) from folded) where id = ?`,
        [accountId, accountId],
        'run',
      );
      return;
    }
    // SQLite has one writer: nothing can be appended between these two statements.
    await em.execute(
      'update ledger_account set balance = balance + (select coalesce(sum(amount), 0) from ledger_entry where account_id = ? and pending_fold) where id = ?',
      [accountId, accountId],
      'run',
    );
    await em.execute('update ledger_entry set pending_fold = false where account_id = ? and pending_fold', [accountId], 'run');
  }

  /**
   * Debits a tracked (just folded) account unless that would take it below zero (when not
   * allowed), recording the entry with the balance it left. One statement on PostgreSQL;
   * two on SQLite, whose single writer has no row locks to hold.
   */
  private async debit(em: EntityManager, transactionId: number, accountId: number, amount: number, createdAt: unknown): Promise<boolean> {
    const move = 'update ledger_account set balance = balance + ? where id = ? and (allow_negative or balance + ? >= 0) returning balance';
    if (databaseKindOfEm(em) === 'postgresql') {
      const rows = await em.execute<unknown[]>(
        `with moved as (${move})
         insert into ledger_entry (transaction_id, account_id, amount, balance_after, created_at)
         select ?, ?, ?, balance, ? from moved returning id`,
        [amount, accountId, amount, transactionId, accountId, amount, createdAt],
      );
      return rows.length > 0;
    }
    const [moved] = await em.execute<Array<{ balance: number | string }>>(move, [amount, accountId, amount]);
    if (!moved) return false;
    await em.execute(
      'insert into ledger_entry (transaction_id, account_id, amount, balance_after, created_at) values (?, ?, ?, ?, ?)',
      [transactionId, accountId, amount, Number(moved.balance), createdAt],
      'run',
    );
    return true;
  }

  /**
   * An account's balance: for tracked accounts its row plus the credits not yet folded into
   * it, for the others the sum of their entries — one statement, so one snapshot.
   */
  async balance(em: EntityManager, code: string): Promise<number> {
    const [row] = await em.execute<Array<{ balance: number | string }>>(
      `select case when a.track_balance then a.balance + ${PENDING_CREDITS} else (select coalesce(sum(e.amount), 0) from ledger_entry e where e.account_id = a.id) end as balance
       from ledger_account a where a.code = ?`,
      [code],
    );
    if (!row) throw new CoreError('not_found', `ledger account ${code} does not exist`);
    return Number(row.balance);
  }

  /**
   * The balance of each entry's account right after it, in entry (id) order: today's balance
   * less every later entry, in one statement so the figures agree with each other. Credits
   * appended pending a fold store none, and a stored one may predate credits committed
   * after it with lower ids, so statements use these instead.
   */
  async balancesAfter(em: EntityManager, entryIds: readonly number[]): Promise<Map<number, number>> {
    if (entryIds.length === 0) return new Map();
    const rows = await em.execute<Array<{ id: number | string; balance_after: number | string }>>(
      `select e.id, a.balance + ${PENDING_CREDITS} - (select coalesce(sum(x.amount), 0) from ledger_entry x where x.account_id = e.account_id and x.id > e.id) as balance_after
       from ledger_entry e join ledger_account a on a.id = e.account_id
       where e.id in (${placeholders(entryIds)}) and a.track_balance`,
      [...entryIds],
    );
    return new Map(rows.map((r) => [Number(r.id), Number(r.balance_after)]));
  }

  async merchantBalances(em: EntityManager, merchantId: number): Promise<MerchantBalances> {
    return (await this.balancesOfMerchants(em, [merchantId])).get(merchantId)!;
  }

  /** Available and reserved balances of several merchants in one statement (0 for a merchant without accounts). */
  async balancesOfMerchants(em: EntityManager, merchantIds: readonly number[]): Promise<Map<number, MerchantBalances>> {
    const found = new Map<number, MerchantBalances>(merchantIds.map((id) => [id, { available: 0, reserved: 0 }]));
    if (merchantIds.length === 0) return found;
    const rows = await em.execute<Array<{ merchant_id: number | string; kind: string; balance: number | string }>>(
      `select a.merchant_id, a.kind, a.balance + ${PENDING_CREDITS} as balance from ledger_account a
       where a.merchant_id in (${placeholders(merchantIds)}) and a.kind in (?, ?)`,
      [...merchantIds, LedgerAccountKind.MerchantAvailable, LedgerAccountKind.MerchantReserved],
    );
    for (const row of rows) {
      const balances = found.get(Number(row.merchant_id))!;
      if (row.kind === LedgerAccountKind.MerchantAvailable) balances.available = Number(row.balance);
      else balances.reserved = Number(row.balance);
    }
    return found;
  }
}

type AccountLeg = { leg: LedgerLeg; account: KnownAccount };

function checkBalanced(posting: Posting): void {
  const total = posting.legs.reduce((sum, l) => sum + l.amount, 0);
  if (total !== 0 || posting.legs.some((l) => !Number.isSafeInteger(l.amount))) {
    throw new CoreError('invalid_input', `unbalanced ledger posting ${posting.idempotencyKey}`);
  }
}

/**
 * Credits (and every leg of an untracked account) are appended and lock nothing; only a
 * debit of a tracked account moves its row, under the guard that keeps it from going negative.
 */
function isAppended({ leg, account }: AccountLeg): boolean {
  return !account.trackBalance || leg.amount >= 0;
}

/** One multi-row insert of appended legs; a tracked account's credit waits for its fold. */
function entriesStatement(legs: AccountLeg[], transaction: number | { idempotencyKey: string }, createdAt: unknown): Statement {
  const byKey = typeof transaction !== 'number';
  const transactionRef = byKey ? '(select id from ledger_transaction where idempotency_key = ?)' : '?';
  return {
    sql: `insert into ledger_entry (transaction_id, account_id, amount, balance_after, pending_fold, created_at) values ${legs.map(() => `(${transactionRef}, ?, ?, null, ?, ?)`).join(', ')}`,
    params: legs.flatMap(({ leg, account }) => [byKey ? transaction.idempotencyKey : transaction, account.id, leg.amount, account.trackBalance, createdAt]),
  };
}

/** The credits appended to account `a` and not yet folded into its row. */
const PENDING_CREDITS = '(select coalesce(sum(e.amount), 0) from ledger_entry e where e.account_id = a.id and e.pending_fold)';

export interface MerchantBalances {
  available: number;
  reserved: number;
}
