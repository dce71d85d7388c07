import { CallbackAttempt, CallbackDelivery } from '../../core/entities/index.js';
import type { SubgraphContext } from '../shared/context.js';
import { toCallbackAttemptNode, toCallbackDeliveryNode, type CallbackAttemptNode, type CallbackDeliveryNode } from './callback-delivery.type.js';

/**
 * Batched reads of callbacks: the deliveries owed for many subjects, and the attempts of
 * many deliveries, each in one query per request (a page of 100 orders asking for their
 * last delivery's attempts costs two queries, not 200).
 */
export function deliveriesOf(ctx: SubgraphContext, subjectType: string, subjectId: string): Promise<CallbackDeliveryNode[]> {
  const loader = ctx.loader<string, CallbackDeliveryNode[]>('deliveries-by-subject', async (keys) => {
    const byType = new Map<string, string[]>();
    for (const key of keys) {
      const [type, id] = JSON.parse(key) as [string, string];
      byType.set(type, [...(byType.get(type) ?? []), id]);
    }
    const rows = await ctx.em.find(
      CallbackDelivery,
      { $or: [...byType].map(([type, ids]) => ({ subjectType: type, subjectId: { $in: ids } })) },
      { orderBy: { createdAt: 'desc', id: 'desc' } },
    );
    const found = new Map<string, CallbackDeliveryNode[]>(keys.map((k) => [k, []]));
    for (const row of rows) found.get(JSON.stringify([row.subjectType, row.subjectId]))?.push(toCallbackDeliveryNode(row));
    return found;
  });
  return loader.load(JSON.stringify([subjectType, subjectId])).then((d) => d ?? []);
}

/** The newest delivery owed for a subject (a resend is newer than the delivery it copies). */
export async function lastDeliveryOf(ctx: SubgraphContext, subjectType: string, subjectId: string): Promise<CallbackDeliveryNode | null> {
  return (await deliveriesOf(ctx, subjectType, subjectId))[0] ?? null;
}

export function attemptsOf(ctx: SubgraphContext, deliveryId: string): Promise<CallbackAttemptNode[]> {
  const loader = ctx.loader<string, CallbackAttemptNode[]>('attempts-by-delivery', async (ids) => {
    const rows = await ctx.em.find(CallbackAttempt, { delivery: { $in: ids } }, { orderBy: { number: 'asc' } });
    const found = new Map<string, CallbackAttemptNode[]>(ids.map((id) => [id, []]));
    for (const row of rows) found.get(row.delivery.id)?.push(toCallbackAttemptNode(row));
    return found;
  });
  return loader.load(deliveryId).then((a) => a ?? []);
}
