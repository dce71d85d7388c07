import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import { OutboxMessage } from '../entities/index.js';

/**
 * Records work owed to the outside world inside the caller's transaction: it becomes
 * visible to the relay only if the state change that owes it commits.
 */
export function oweWork(
  em: EntityManager,
  topic: string,
  payload: Record<string, unknown>,
  options: { id?: string; runAt?: Date } = {},
): OutboxMessage {
  const message = em.create(OutboxMessage, {
    id: options.id ?? randomUUID(),
    topic,
    payload,
    runAt: options.runAt ?? null,
  });
  em.persist(message);
  return message;
}

/** Marks outbox work final (delivered, given up, or dropped) so the relay stops re-enqueuing it. */
export async function completeWork(em: EntityManager, id: string): Promise<void> {
  await em.nativeUpdate(OutboxMessage, { id, completedAt: null }, { completedAt: new Date() });
}
