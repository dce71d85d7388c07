import type { SubgraphContext } from '../shared/context.js';
import { visibleMerchant } from './merchant.resolver.js';
import { toMerchantNode, type MerchantNode } from './merchant.type.js';

/** `Merchant @key(fields: "id")`: other subgraphs name a merchant by id; only a visible one resolves. */
export async function resolveMerchantReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<MerchantNode> {
  return toMerchantNode(await visibleMerchant(ctx, String(reference.id)));
}
