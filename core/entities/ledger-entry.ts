import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { LedgerAccount } from './ledger-account.js';
import { LedgerTransaction } from './ledger-transaction.js';

/** One leg of a ledger transaction: a signed amount in fen on one account. */
@Entity({ tableName: 'ledger_entry' })
@Index({ properties: ['account', 'pendingFold'] })
export class LedgerEntry {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => LedgerTransaction)
  transaction!: LedgerTransaction;

  @ManyToOne(() => LedgerAccount)
  account!: LedgerAccount;

  /** Signed integer fen: positive credits the account, negative debits it. */
  @Property({ type: new BigIntType('number') })
  amount!: number;

  /**
   * The account's balance right after this entry, for statements; null on accounts that do
   * not track their balance in-row, and on credits appended pending a fold.
   */
  @Property({ type: new BigIntType('number'), nullable: true })
  balanceAfter?: number | null;

  /**
   * A credit to a tracked account appended without touching the account's row, so that
   * concurrent pay-ins of one merchant never queue on its balance row. The account's next
   * debit folds these into `balance` first; until then its balance is `balance` plus them
   * (LedgerService.post / balances).
   */
  @Property({ type: 'boolean' })
  pendingFold: Opt<boolean> = false;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
