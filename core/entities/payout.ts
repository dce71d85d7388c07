import { BigIntType, Entity, Index, ManyToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

export enum PayoutStatus {
  Pending = 'pending',
  Completed = 'completed',
  Failed = 'failed',
}

/** A payout to a bank account; its amount is reserved from the merchant's balance when created. */
@Entity({ tableName: 'payout' })
@Unique({ properties: ['merchant', 'mrn'] })
@Index({ properties: ['status'] })
export class Payout {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 32, unique: true })
  publicId!: string;

  @ManyToOne(() => Merchant)
  merchant!: Merchant;

  @Property({ type: 'string', length: 64 })
  mrn!: string;

  @Property({ type: new BigIntType('number') })
  amount!: number;

  @Property({ type: 'string', length: 128 })
  bankName!: string;

  @Property({ type: 'string', length: 128 })
  accountName!: string;

  @Property({ type: 'string', length: 64 })
  accountNumber!: string;

  @Property({ type: 'text' })
  callbackUrl!: string;

  @Property({ type: 'string', length: 24 })
  status: Opt<PayoutStatus> = PayoutStatus.Pending;

  @Property({ type: 'string', length: 255, nullable: true })
  failureReason?: string | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', nullable: true })
  finishedAt?: Date | null;
}
