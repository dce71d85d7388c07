import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/**
 * Work owed to the outside world, written in the same transaction as the state change
 * that owes it. The relay copies it into BullMQ with `id` as the job id; the consumer
 * sets `completedAt` when the work reached a final state.
 */
@Entity({ tableName: 'outbox_message' })
@Index({ properties: ['relayedAt', 'completedAt'] })
export class OutboxMessage {
  /** UUID; doubles as the BullMQ job id so a row can never become two jobs. */
  @PrimaryKey({ type: 'string', length: 36 })
  id!: string;

  /** Queue name, from workers/queues.ts. */
  @Property({ type: 'string', length: 64 })
  topic!: string;

  @Property({ type: 'json' })
  payload!: Record<string, unknown>;

  @Property({ type: 'datetime', onCreate: () => new Date() })
  createdAt: Opt<Date> = new Date();

  /** Earliest time the job may run (delayed work). */
  @Property({ type: 'datetime', nullable: true })
  runAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  relayedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  completedAt?: Date | null;
}
