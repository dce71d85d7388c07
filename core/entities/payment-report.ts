import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';
import { PayInOrder } from './payin-order.js';
import { ThirdPartyAccount } from './third-party-account.js';

export enum PaymentReportSource {
  /** `/api/report/{pid}/pc`. */
  Pc = 'pc',
  /** A notification of `/api/report/{pid}` a parser recognised. */
  Notification = 'notification',
  /** `/api/report/third-account`. */
  ThirdAccount = 'third_account',
}

export enum PaymentReportStatus {
  /** Paid the order it names. */
  Matched = 'matched',
  /** Matched nothing; kept for review. */
  Unmatched = 'unmatched',
  /** Was unmatched, then attached to an order by an operator. */
  Attached = 'attached',
}

/**
 * A payment a monitor saw arrive. Idempotency is the database's: `fingerprint` (a hash of
 * the normalised payment fields) and the upstream order id per merchant are unique, and an
 * order can be paid by one report only.
 */
@Entity({ tableName: 'payment_report' })
@Unique({ properties: ['merchant', 'upstreamOrderId'] })
@Unique({ properties: ['payInOrder'] })
@Index({ properties: ['merchant', 'status'] })
export class PaymentReport {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  @Property({ type: 'string', length: 16 })
  source!: PaymentReportSource;

  @Property({ type: 'string', length: 64, unique: true })
  fingerprint!: string;

  /** The payment's id at Alipay/WeChat/bank, when the monitor knows it. */
  @Property({ type: 'string', length: 64, nullable: true })
  upstreamOrderId?: string | null;

  /** The paymesh order the report names explicitly (public id), if any. */
  @Property({ type: 'string', length: 64, nullable: true })
  orderRef?: string | null;

  @Property({ type: new BigIntType('number') })
  amount!: number;

  @Property({ type: 'string', length: 16 })
  payType!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  channelCode?: string | null;

  @Property({ type: 'integer', nullable: true })
  collectionAccountId?: number | null;

  @ManyToOne(() => ThirdPartyAccount, { nullable: true })
  thirdPartyAccount?: ThirdPartyAccount | null;

  /** Every field as the monitor sent it (without `sign`), for review. */
  @Property({ type: 'json' })
  fields!: Record<string, unknown>;

  @Property({ type: 'string', length: 16 })
  status!: PaymentReportStatus;

  /** Why an unmatched report matched nothing (`no_pending_order`, `ambiguous`, `amount_mismatch`, …). */
  @Property({ type: 'string', length: 32, nullable: true })
  reason?: string | null;

  @ManyToOne(() => PayInOrder, { nullable: true })
  payInOrder?: PayInOrder | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  receivedAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', nullable: true })
  matchedAt?: Date | null;
}
