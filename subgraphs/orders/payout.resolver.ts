import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Payout } from '../../core/entities/index.js';
import { formatFenAsYuan } from '../../core/money/fen.js';
import { paginate, type Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { merchantScope, notFound, numericId, requireMerchantAccess } from '../shared/guards.js';
import { CallbackDeliveryNode } from './callback-delivery.type.js';
import { deliveriesOf, lastDeliveryOf } from './delivery-loaders.js';
import { PayoutFilterArgs, payoutWhere } from './order-filters.js';
import { PayoutConnection, PayoutNode, toPayoutNode } from './payout.type.js';

@ArgsType()
class PayoutsArgs extends PayoutFilterArgs {
  @Field(() => ID, { nullable: true, description: 'Admin: only this merchant (all when omitted). Merchants always see only their own.' })
  merchantId?: string | null;
}

/** Loads a payout the caller may see, or throws NOT_FOUND. */
export async function visiblePayout(ctx: SubgraphContext, publicId: string): Promise<PayoutNode> {
  const payout = (await ctx.core.payouts.find(ctx.em, { publicId })) ?? notFound('payout');
  requireMerchantAccess(ctx, payout.merchant.id, 'payout');
  return toPayoutNode(payout);
}

export function payoutPage(ctx: SubgraphContext, merchantId: number | undefined, args: PayoutFilterArgs): Promise<Connection<PayoutNode>> {
  return paginate(ctx.em, Payout, payoutWhere(merchantId, args), args, { toNode: toPayoutNode });
}

@Resolver(() => PayoutNode)
export class PayoutResolver {
  @Query(() => PayoutNode, { nullable: true, description: 'A payout by its public id.' })
  async payout(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<PayoutNode> {
    return visiblePayout(ctx, id);
  }

  @Query(() => PayoutConnection, { description: 'Payouts, newest first, with filters.' })
  async payouts(@Args(() => PayoutsArgs) args: PayoutsArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<PayoutNode>> {
    const requested = args.merchantId == null ? undefined : numericId(args.merchantId, 'merchant');
    return payoutPage(ctx, merchantScope(ctx, requested), args);
  }

  @FieldResolver(() => String, { description: 'The amount formatted in yuan, e.g. `100.00`.' })
  amountYuan(@Root() payout: PayoutNode): string {
    return formatFenAsYuan(payout.amount);
  }

  @FieldResolver(() => [CallbackDeliveryNode], { description: 'Every callback owed for it, newest first.' })
  async callbackDeliveries(@Root() payout: PayoutNode, @Ctx() ctx: SubgraphContext): Promise<CallbackDeliveryNode[]> {
    return deliveriesOf(ctx, 'payout', payout.id);
  }

  @FieldResolver(() => CallbackDeliveryNode, { nullable: true, description: 'The newest callback owed for it.' })
  async lastDelivery(@Root() payout: PayoutNode, @Ctx() ctx: SubgraphContext): Promise<CallbackDeliveryNode | null> {
    return lastDeliveryOf(ctx, 'payout', payout.id);
  }
}
