import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

export enum PayInStatus {
  Pending = 'pending',
  Paid = 'paid',
  Expired = 'expired',
  Failed = 'failed',
}

/**
 * A pay-in: money a payer owes a merchant. `originAmount` is what the merchant asked for;
 * `payableAmount` what the payer must actually send (a channel may shift it by a few fen
 * to make it recognisable); `paidAmount` what arrived.
 */
@Entity({ tableName: 'payin_order' })
@Unique({ properties: ['merchant', 'mrn'] })
@Index({ properties: ['status', 'expiresAt'] })
// A monitor report looks its order up by account and exact amount (payin-rows.ts); without
// this, every report scanned all pending orders (bench/FINDINGS.md).
@Index({ properties: ['collectionAccountId', 'payableAmount'] })
// What an account received today (daily caps, every new monitor order) is summed from its
// orders paid since midnight: without this, from all its orders ever.
@Index({ properties: ['collectionAccountId', 'paidAt'] })
export class PayInOrder {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** Opaque id used in the cashier URL and in GraphQL. */
  @Property({ type: 'string', length: 32, unique: true })
  publicId!: string;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  /** Merchant reference number, unique per merchant. */
  @Property({ type: 'string', length: 64 })
  mrn!: string;

  /** Document-004 channel id the merchant asked for. */
  @Property({ type: 'integer' })
  channelId!: number;

  /** Plugin that created the pay action. */
  @Property({ type: 'string', length: 32 })
  channelPlugin!: string;

  @Property({ type: new BigIntType('number') })
  originAmount!: number;

  @Property({ type: new BigIntType('number') })
  payableAmount!: number;

  @Property({ type: new BigIntType('number'), nullable: true })
  paidAmount?: number | null;

  @Property({ type: new BigIntType('number') })
  feeAmount: Opt<number> = 0;

  @Property({ type: 'string', length: 24 })
  status: Opt<PayInStatus> = PayInStatus.Pending;

  @Property({ type: 'text' })
  callbackUrl!: string;

  @Property({ type: 'text' })
  returnUrl!: string;

  @Property({ type: 'string', length: 128, nullable: true })
  payer?: string | null;

  /** What the cashier shows: QR content, redirect URL, account to pay. */
  @Property({ type: 'json', nullable: true })
  payAction?: Record<string, unknown> | null;

  /** Collection account chosen by an allocating channel (monitor). */
  @Property({ type: 'integer', nullable: true })
  collectionAccountId?: number | null;

  @Property({ type: 'string', length: 64, nullable: true })
  upstreamTradeNo?: string | null;

  /** What settled it: `channel:<plugin>`, `report:<id>`, `admin`… (for support questions). */
  @Property({ type: 'string', length: 64, nullable: true })
  settledVia?: string | null;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  paidAt?: Date | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
