import { MonitorClient } from '../../core/entities/index.js';
import type { SubgraphContext } from '../shared/context.js';
import { notFound, numericId, requireMerchantAccess } from '../shared/guards.js';
import { toMonitorClientNode, type MonitorClientNode } from './monitor-client.type.js';

/** `MonitorClient @key(fields: "id")`, referenced by collection accounts (configs); only its merchant or the admin resolve it. */
export async function resolveMonitorClientReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<MonitorClientNode> {
  const client = (await ctx.em.findOne(MonitorClient, { id: numericId(String(reference.id), 'monitor client') })) ?? notFound('monitor client');
  requireMerchantAccess(ctx, client.merchant.id, 'monitor client');
  return toMonitorClientNode(client, ctx.core.collectionAccounts.isOnline(client));
}
