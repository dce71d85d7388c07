import { Entity, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

/** A balanced set of ledger entries. The unique idempotency key makes every posting happen once. */
@Entity({ tableName: 'ledger_transaction' })
export class LedgerTransaction {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** e.g. `payin:123:paid`, `payout:9:reserve`. */
  @Property({ type: 'string', length: 128, unique: true })
  idempotencyKey!: string;

  @Property({ type: 'string', length: 64 })
  reason!: string;

  @ManyToOne(() => Merchant, { nullable: true })
  merchant?: Merchant | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
