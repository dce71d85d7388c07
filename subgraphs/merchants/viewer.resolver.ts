import { Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import { Merchant } from '../../core/entities/index.js';
import type { SubgraphContext } from '../shared/context.js';
import { requireIdentity } from '../shared/guards.js';
import { ViewerRoleEnum } from './enums.js';
import { MerchantNode, toMerchantNode } from './merchant.type.js';

@ObjectType('Viewer', { description: 'The caller, as the bearer token identified it.' })
export class ViewerNode {
  @Field(() => ViewerRoleEnum)
  role!: 'admin' | 'merchant';

  @Field(() => MerchantNode, { nullable: true, description: "The merchant whose dashboard token was used; null for the admin." })
  merchant!: MerchantNode | null;
}

@Resolver(() => ViewerNode)
export class ViewerResolver {
  @Query(() => ViewerNode, { description: 'Who the bearer token belongs to: a dashboard starts here.' })
  async viewer(@Ctx() ctx: SubgraphContext): Promise<ViewerNode> {
    const identity = requireIdentity(ctx);
    if (identity.kind === 'admin') return Object.assign(new ViewerNode(), { role: 'admin', merchant: null });
    const merchant = await ctx.em.findOneOrFail(Merchant, { id: identity.merchantId });
    return Object.assign(new ViewerNode(), { role: 'merchant', merchant: toMerchantNode(merchant) });
  }
}
