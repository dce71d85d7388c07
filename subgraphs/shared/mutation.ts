import type { EntityManager } from '@mikro-orm/knex';
import type { SubgraphContext } from './context.js';
import { requireIdentity } from './guards.js';
import { actorOf } from './identity.js';

/**
 * Runs one mutation's work and its audit entry in one database transaction: either the
 * change and its audit entry are both committed, or neither is. `outbox` tells the
 * in-process relay that the work owed callbacks/jobs (as services expect).
 */
export async function auditedTransaction<T>(
  ctx: SubgraphContext,
  work: (tx: EntityManager, actor: string) => Promise<T>,
  options: { outbox?: boolean } = {},
): Promise<T> {
  const actor = actorOf(requireIdentity(ctx));
  const result = await ctx.em.transactional((tx) => work(tx, actor));
  if (options.outbox) ctx.core.outboxCommitted();
  return result;
}
