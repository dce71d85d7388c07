import type { SubgraphContext } from '../shared/context.js';
import { numericId, requireMerchantAccess } from '../shared/guards.js';
import { merchantRef, type MerchantRef } from './references.type.js';

/** `Merchant` handed to configs to resolve `collectionAccounts`: only the admin or that merchant. */
export async function resolveMerchantReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<MerchantRef> {
  const merchantId = numericId(String(reference.id), 'merchant');
  requireMerchantAccess(ctx, merchantId);
  return merchantRef(merchantId);
}
