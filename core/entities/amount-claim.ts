import { BigIntType, Entity, OneToOne, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';
import { PayInOrder } from './payin-order.js';

/**
 * "This collection account expects exactly this amount for that order." An allocating
 * channel (monitor) can tell payments apart only by account and amount, so two open
 * orders must never expect the same pair: the unique constraint makes that a database
 * fact, taken in the order's creating transaction. Deleted when the order is paid, and
 * after expiry once the late-report grace (REPORT_EXPIRED_GRACE_SECONDS) has passed.
 */
@Entity({ tableName: 'amount_claim' })
@Unique({ properties: ['collectionAccountId', 'payableAmount'] })
export class AmountClaim {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  collectionAccountId!: number;

  @Property({ type: new BigIntType('number') })
  payableAmount!: number;

  @OneToOne(() => PayInOrder, { owner: true, deleteRule: 'cascade' })
  order!: PayInOrder;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
