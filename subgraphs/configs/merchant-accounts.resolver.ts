import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../shared/context.js';
import { toNode } from './collection-account.resolver.js';
import { CollectionAccountNode } from './collection-account.type.js';
import { MerchantRef } from './references.type.js';

/** The configs subgraph's field on `Merchant` (the root was access-checked by merchant.reference.ts). */
@Resolver(() => MerchantRef)
export class MerchantAccountsResolver {
  @FieldResolver(() => [CollectionAccountNode], { description: 'Collection accounts of this merchant, oldest first.' })
  async collectionAccounts(@Root() merchant: MerchantRef, @Ctx() ctx: SubgraphContext): Promise<CollectionAccountNode[]> {
    const now = new Date();
    return (await ctx.core.collectionAccounts.list(ctx.em, merchant.merchantId)).map((a) => toNode(ctx, a, now));
  }
}
