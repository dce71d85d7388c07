import { BigIntType, Entity, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

export enum LedgerAccountKind {
  /** Money the merchant can pay out. */
  MerchantAvailable = 'merchant_available',
  /** Money held for payouts in flight. */
  MerchantReserved = 'merchant_reserved',
  /** The outside world: pay-ins come from it, completed payouts go to it. May be negative. */
  PlatformClearing = 'platform_clearing',
  /** Fees the platform earned. */
  PlatformFees = 'platform_fees',
}

/**
 * One account of the double-entry ledger. `balance` is the sum of its entries, kept
 * current by conditional updates. A database guard (a CHECK on PostgreSQL, a trigger on
 * SQLite; see the `ledger_guard` migrations) makes a negative balance impossible unless
 * `allowNegative`, even if a code path forgot the conditional update.
 */
@Entity({ tableName: 'ledger_account' })
export class LedgerAccount {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Stable address of the account, e.g. `merchant:42:available` or `platform:clearing`. */
  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  @ManyToOne(() => Merchant, { nullable: true })
  merchant?: Merchant | null;

  @Property({ type: 'string', length: 24 })
  kind!: LedgerAccountKind;

  /** Integer fen. */
  @Property({ type: new BigIntType('number') })
  balance: Opt<number> = 0;

  @Property({ type: 'boolean' })
  allowNegative: Opt<boolean> = false;

  /**
   * Whether `balance` is kept in this row. Platform accounts take a leg of every pay-in
   * of every merchant; updating one row from every transaction would serialise them all
   * on its lock. Their balance is derived from their entries instead (and they are never
   * debited below zero by design: clearing may go negative, fees only receive credits).
   */
  @Property({ type: 'boolean' })
  trackBalance: Opt<boolean> = true;
}
