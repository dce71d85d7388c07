import type { MerchantBalances } from '../../core/services/ledger.js';
import type { SubgraphContext } from '../shared/context.js';

export type { MerchantBalances };

/** Both balances of a merchant; merchants asked for in one request are read with one query. */
export async function merchantBalances(ctx: SubgraphContext, merchantId: number): Promise<MerchantBalances> {
  const loader = ctx.loader<number, MerchantBalances>('merchant-balances', (ids) => ctx.core.ledger.balancesOfMerchants(ctx.em, ids));
  return (await loader.load(merchantId)) ?? { available: 0, reserved: 0 };
}
