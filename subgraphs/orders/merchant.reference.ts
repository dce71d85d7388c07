import type { SubgraphContext } from '../shared/context.js';
import { numericId, requireMerchantAccess } from '../shared/guards.js';
import { merchantRef, type MerchantRef } from './references.type.js';

/**
 * `Merchant` as the gateway hands it to this subgraph (to resolve `orders`, `payouts`…).
 * The access check is here, not only in the merchants subgraph: a representation sent
 * straight to `_entities` must not open another merchant's orders.
 */
export async function resolveMerchantReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<MerchantRef> {
  const merchantId = numericId(String(reference.id), 'merchant');
  requireMerchantAccess(ctx, merchantId);
  return merchantRef(merchantId);
}
