import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CallbackDelivery } from '../../core/entities/index.js';
import { paginate, BY_CREATED_THEN_ID, type Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { merchantScope, notFound, numericId, requireIdentity } from '../shared/guards.js';
import { actorOf } from '../shared/identity.js';
import { CallbackAttemptNode, CallbackDeliveryConnection, CallbackDeliveryNode, toCallbackDeliveryNode } from './callback-delivery.type.js';
import { attemptsOf } from './delivery-loaders.js';
import { CallbackDeliveryFilterArgs, createdWindow } from './order-filters.js';

@ArgsType()
class CallbackDeliveriesArgs extends CallbackDeliveryFilterArgs {
  @Field(() => ID, { nullable: true, description: 'Admin: only this merchant (all when omitted). Merchants always see only their own.' })
  merchantId?: string | null;
}

/**
 * Loads a delivery the caller may see, or throws NOT_FOUND. Deliveries owed to no merchant
 * (e.g. document-002 operators) are the admin's alone.
 */
export async function visibleDelivery(ctx: SubgraphContext, id: string): Promise<CallbackDeliveryNode> {
  const identity = requireIdentity(ctx);
  const delivery = (await ctx.core.callbacks.byId(ctx.em, id)) ?? notFound('callback delivery');
  const owner = delivery.merchant?.id ?? null;
  if (identity.kind !== 'admin' && owner !== identity.merchantId) notFound('callback delivery');
  return toCallbackDeliveryNode(delivery);
}

export function deliveryPage(ctx: SubgraphContext, merchantId: number | undefined, args: CallbackDeliveryFilterArgs): Promise<Connection<CallbackDeliveryNode>> {
  const where = { ...(merchantId === undefined ? {} : { merchant: merchantId }), ...createdWindow(args), ...(args.status ? { status: args.status } : {}) };
  return paginate(ctx.em, CallbackDelivery, where, args, { keys: BY_CREATED_THEN_ID, toNode: toCallbackDeliveryNode });
}

@Resolver(() => CallbackDeliveryNode)
export class CallbackDeliveryResolver {
  @Query(() => CallbackDeliveryNode, { nullable: true })
  async callbackDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<CallbackDeliveryNode> {
    return visibleDelivery(ctx, id);
  }

  @Query(() => CallbackDeliveryConnection, { description: 'Callback deliveries, newest first.' })
  async callbackDeliveries(@Args(() => CallbackDeliveriesArgs) args: CallbackDeliveriesArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<CallbackDeliveryNode>> {
    const requested = args.merchantId == null ? undefined : numericId(args.merchantId, 'merchant');
    return deliveryPage(ctx, merchantScope(ctx, requested), args);
  }

  @FieldResolver(() => [CallbackAttemptNode], { description: 'Every attempt, first to last.' })
  async attempts(@Root() delivery: CallbackDeliveryNode, @Ctx() ctx: SubgraphContext): Promise<CallbackAttemptNode[]> {
    return attemptsOf(ctx, delivery.id);
  }

  @Mutation(() => CallbackDeliveryNode, {
    description: 'Sends a callback again as a new delivery with the same URL and body (admin, or the merchant it is owed to). Audited.',
  })
  async resendCallback(@Arg('deliveryId', () => ID) deliveryId: string, @Ctx() ctx: SubgraphContext): Promise<CallbackDeliveryNode> {
    const original = await visibleDelivery(ctx, deliveryId);
    const copy = await ctx.core.callbacks.resend(ctx.em, original.id, actorOf(requireIdentity(ctx)));
    return toCallbackDeliveryNode(copy);
  }
}
