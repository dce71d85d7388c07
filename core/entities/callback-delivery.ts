import { Entity, Index, ManyToOne, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { Merchant } from './merchant.js';

export enum CallbackStatus {
  Pending = 'pending',
  Delivered = 'delivered',
  GivenUp = 'given_up',
}

/**
 * A callback owed to a caller. The request is frozen when the state change commits (body
 * and sign computed then), so a retry sends exactly what the first attempt sent.
 */
@Entity({ tableName: 'callback_delivery' })
@Index({ properties: ['subjectType', 'subjectId'] })
export class CallbackDelivery {
  /** Same id as the outbox message that carries it. */
  @PrimaryKey({ type: 'string', length: 36 })
  id!: string;

  @ManyToOne(() => Merchant, { nullable: true })
  merchant?: Merchant | null;

  /** Delivery profile: request shape, success rule and retry schedule (e.g. `doc004`). */
  @Property({ type: 'string', length: 32 })
  profile!: string;

  /** What the callback is about: `payin`, `payout`, … and its id. */
  @Property({ type: 'string', length: 32 })
  subjectType!: string;

  @Property({ type: 'string', length: 64 })
  subjectId!: string;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: 'string', length: 64 })
  contentType!: string;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'string', length: 24 })
  status: Opt<CallbackStatus> = CallbackStatus.Pending;

  @Property({ type: 'integer' })
  attemptCount: Opt<number> = 0;

  @Property({ type: 'datetime', nullable: true })
  nextAttemptAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  deliveredAt?: Date | null;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();
}
