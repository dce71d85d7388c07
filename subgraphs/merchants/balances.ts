import { LedgerAccount, LedgerAccountKind } from '../../core/entities/index.js';
import type { SubgraphContext } from '../shared/context.js';

export interface MerchantBalances {
  available: number;
  reserved: number;
}

/** Both balances of a merchant; merchants asked for in one request are read with one query. */
export async function merchantBalances(ctx: SubgraphContext, merchantId: number): Promise<MerchantBalances> {
  const loader = ctx.loader<number, MerchantBalances>('merchant-balances', async (ids) => {
    const accounts = await ctx.em.find(LedgerAccount, {
      merchant: { $in: ids },
      kind: { $in: [LedgerAccountKind.MerchantAvailable, LedgerAccountKind.MerchantReserved] },
    });
    const found = new Map<number, MerchantBalances>(ids.map((id) => [id, { available: 0, reserved: 0 }]));
    for (const a of accounts) {
      const b = found.get(a.merchant!.id)!;
      if (a.kind === LedgerAccountKind.MerchantAvailable) b.available = a.balance;
      else b.reserved = a.balance;
    }
    return found;
  });
  return (await loader.load(merchantId)) ?? { available: 0, reserved: 0 };
}
