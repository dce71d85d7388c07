import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { SubgraphContext } from '../shared/context.js';
import { requireAdmin, requireIdentity } from '../shared/guards.js';
import { actorOf } from '../shared/identity.js';
import { PayoutNode, toPayoutNode } from './payout.type.js';

/** What an admin does when the bank says a payout left (or did not). PayoutService audits both. */
@Resolver()
export class PayoutMutations {
  @Mutation(() => PayoutNode, { description: 'Marks a pending payout completed: reserved → paid out, callback owed (admin). Idempotent.' })
  async completePayout(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<PayoutNode> {
    requireAdmin(ctx);
    return toPayoutNode(await ctx.core.payouts.complete(ctx.em, { publicId: id }, actorOf(requireIdentity(ctx))));
  }

  @Mutation(() => PayoutNode, { description: 'Marks a pending payout failed: the reservation returns to the available balance (admin). Idempotent.' })
  async failPayout(
    @Arg('id', () => ID) id: string,
    @Arg('reason', () => String, { description: '1–255 characters, shown to the merchant.' }) reason: string,
    @Ctx() ctx: SubgraphContext,
  ): Promise<PayoutNode> {
    requireAdmin(ctx);
    return toPayoutNode(await ctx.core.payouts.fail(ctx.em, { publicId: id }, reason, actorOf(requireIdentity(ctx))));
  }
}
