import { BigIntType, Entity, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { LedgerAccount } from './ledger-account.js';
import { LedgerTransaction } from './ledger-transaction.js';

/** One leg of a ledger transaction: a signed amount in fen on one account. */
@Entity({ tableName: 'ledger_entry' })
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

  /** The account's balance right after this entry, for statements; null on accounts that do not track their balance in-row. */
  @Property({ type: new BigIntType('number'), nullable: true })
  balanceAfter?: number | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
