import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { CallbackDelivery } from './callback-delivery.js';

/** One HTTP attempt at a callback: what was answered, how fast, and what went wrong. */
@Entity({ tableName: 'callback_attempt' })
@Unique({ properties: ['delivery', 'number'] })
export class CallbackAttempt {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => CallbackDelivery)
  delivery!: CallbackDelivery;

  /** 1-based attempt number. */
  @Property({ type: 'integer' })
  number!: number;

  @Property({ type: 'datetime' })
  startedAt!: Date;

  @Property({ type: 'integer', nullable: true })
  httpStatus?: number | null;

  @Property({ type: 'integer' })
  latencyMs!: number;

  /** First bytes of the reply body. */
  @Property({ type: 'string', length: 256, nullable: true })
  replySnippet?: string | null;

  @Property({ type: 'string', length: 255, nullable: true })
  error?: string | null;

  @Property({ type: 'boolean' })
  success!: boolean;
}
