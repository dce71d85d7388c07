import { Entity, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/**
 * Work owed to the outside world, written in the same transaction as the state change
 * that owes it. The relay copies it into BullMQ with `id` as the job id; the consumer
 * sets `completedAt` when the work reached a final state.
 */
@Entity({ tableName: 'outbox_message' })
// Partial indexes, so that each question the relay asks costs what it returns, not the size
// of the outbox (which keeps every completed row) or of a backlog: the callbacks due for
// their first attempt in order, the other rows to become jobs, the callbacks released to a
// later time, and the rows relayed but not completed (the sweep). Literal topics, so that
// both databases' planners can prove a query matches an index.
@Index({
  name: 'outbox_message_callbacks_index',
  expression: "create index outbox_message_callbacks_index on outbox_message (created_at, id) where relayed_at is null and topic = 'callbacks'",
})
@Index({
  name: 'outbox_message_jobs_index',
  expression: "create index outbox_message_jobs_index on outbox_message (created_at, id) where relayed_at is null and topic <> 'callbacks'",
})
@Index({
  name: 'outbox_message_callbacks_later_index',
  expression: "create index outbox_message_callbacks_later_index on outbox_message (run_at) where relayed_at is null and topic = 'callbacks' and run_at is not null",
})
@Index({
  name: 'outbox_message_unfinished_index',
  expression: 'create index outbox_message_unfinished_index on outbox_message (created_at, id) where relayed_at is not null and completed_at is null',
})
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
