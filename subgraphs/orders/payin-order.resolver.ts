import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { PayInOrder } from '../../core/entities/index.js';
import { formatFenAsYuan } from '../../core/money/fen.js';
import { paginate, type Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { merchantScope, notFound, numericId, requireMerchantAccess } from '../shared/guards.js';
import { CallbackDeliveryNode } from './callback-delivery.type.js';
import { deliveriesOf, lastDeliveryOf } from './delivery-loaders.js';
import { PayInOrderFilterArgs, payInWhere } from './order-filters.js';
import { PayInOrderConnection, PayInOrderNode, toPayInOrderNode } from './payin-order.type.js';

@ArgsType()
class PayInOrdersArgs extends PayInOrderFilterArgs {
  @Field(() => ID, { nullable: true, description: 'Admin: only this merchant (all when omitted). Merchants always see only their own.' })
  merchantId?: string | null;
}

/** Loads a pay-in the caller may see, or throws NOT_FOUND. */
export async function visiblePayIn(ctx: SubgraphContext, publicId: string): Promise<PayInOrderNode> {
  const order = (await ctx.core.payins.byPublicId(ctx.em, publicId)) ?? notFound('pay-in');
  requireMerchantAccess(ctx, order.merchant.id, 'pay-in');
  return toPayInOrderNode(order, ctx.core.payins.statusAt(order));
}

/** One page of pay-ins, newest first; `merchantId` undefined means every merchant (admin). */
export function payInPage(ctx: SubgraphContext, merchantId: number | undefined, args: PayInOrderFilterArgs): Promise<Connection<PayInOrderNode>> {
  const now = new Date();
  return paginate(ctx.em, PayInOrder, payInWhere(merchantId, args, now), args, {
    toNode: (o) => toPayInOrderNode(o, ctx.core.payins.statusAt(o, now)),
  });
}

@Resolver(() => PayInOrderNode)
export class PayInOrderResolver {
  @Query(() => PayInOrderNode, { nullable: true, description: 'A pay-in by its public id.' })
  async payInOrder(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<PayInOrderNode> {
    return visiblePayIn(ctx, id);
  }

  @Query(() => PayInOrderConnection, { description: 'Pay-ins, newest first, with filters.' })
  async payInOrders(@Args(() => PayInOrdersArgs) args: PayInOrdersArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<PayInOrderNode>> {
    const requested = args.merchantId == null ? undefined : numericId(args.merchantId, 'merchant');
    return payInPage(ctx, merchantScope(ctx, requested), args);
  }

  @FieldResolver(() => String, { description: 'The asked amount formatted in yuan, e.g. `100.00`.' })
  amountYuan(@Root() order: PayInOrderNode): string {
    return formatFenAsYuan(order.amount);
  }

  @FieldResolver(() => [CallbackDeliveryNode], { description: 'Every callback owed for it, newest first.' })
  async callbackDeliveries(@Root() order: PayInOrderNode, @Ctx() ctx: SubgraphContext): Promise<CallbackDeliveryNode[]> {
    return deliveriesOf(ctx, 'payin', order.id);
  }

  @FieldResolver(() => CallbackDeliveryNode, { nullable: true, description: 'The newest callback owed for it.' })
  async lastDelivery(@Root() order: PayInOrderNode, @Ctx() ctx: SubgraphContext): Promise<CallbackDeliveryNode | null> {
    return lastDeliveryOf(ctx, 'payin', order.id);
  }
}
