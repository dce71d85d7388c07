import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { dateParam, runInOneTrip, type Statement } from '../db/raw-sql.js';
import { OutboxMessage } from '../entities/index.js';

/**
 * The row that records work owed to the outside world, as a statement for the caller's
 * transaction (alone, or in one round trip with the state change that owes it): the
 * work becomes visible to the relay only if that change commits.
 */
export function owedWorkStatement(
  em: EntityManager,
  topic: string,
  payload: Record<string, unknown>,
  /** `relayedAt`: written already claimed by this process, until `runAt` (core/outbox/handoff.ts). */
  options: { id?: string; runAt?: Date; relayedAt?: Date } = {},
): { id: string; statement: Statement } {
  const id = options.id ?? randomUUID();
  return {
    id,
    statement: {
      sql: 'insert into outbox_message (id, topic, payload, created_at, run_at, relayed_at) values (?, ?, ?, ?, ?, ?)',
      params: [
        id,
        topic,
        JSON.stringify(payload),
        dateParam(em, new Date()),
        options.runAt ? dateParam(em, options.runAt) : null,
        options.relayedAt ? dateParam(em, options.relayedAt) : null,
      ],
    },
  };
}

/** Records work owed, now, in the caller's transaction; returns its id (the job id it will get). */
export async function oweWork(
  em: EntityManager,
  topic: string,
  payload: Record<string, unknown>,
  options: { id?: string; runAt?: Date } = {},
): Promise<string> {
  const { id, statement } = owedWorkStatement(em, topic, payload, options);
  await runInOneTrip(em, [statement]);
  return id;
}

/** Marks outbox work final (delivered, given up, or dropped) so the relay stops re-enqueuing it. */
export async function completeWork(em: EntityManager, id: string): Promise<void> {
  await em.nativeUpdate(OutboxMessage, { id, completedAt: null }, { completedAt: new Date() });
}
