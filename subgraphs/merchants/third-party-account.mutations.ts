import { Arg, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { ThirdPartyAccount } from '../../core/entities/index.js';
import type { SubgraphContext } from '../shared/context.js';
import { notFound, numericId, requireIdentity, requireMerchantAccess } from '../shared/guards.js';
import { actorOf } from '../shared/identity.js';
import { visibleMerchant } from './merchant.resolver.js';
import { IssuedThirdPartyAccount, ThirdPartyAccountNode, toThirdPartyAccountNode } from './third-party-account.type.js';

/** Loads a third-party account the caller may manage (admin, or its merchant), or throws NOT_FOUND. */
async function visibleAccount(ctx: SubgraphContext, id: string): Promise<ThirdPartyAccount> {
  const account = (await ctx.em.findOne(ThirdPartyAccount, { id: numericId(id, 'third-party account') })) ?? notFound('third-party account');
  requireMerchantAccess(ctx, account.merchant.id, 'third-party account');
  return account;
}

/** Third-party accounts (admin, or the merchant itself); ThirdPartyAccountService audits each change. */
@Resolver()
export class ThirdPartyAccountMutations {
  @Mutation(() => IssuedThirdPartyAccount, { description: 'Registers a third-party account agent; its key is shown once.' })
  async createThirdPartyAccount(
    @Arg('merchantId', () => ID) merchantId: string,
    @Arg('account', () => String) account: string,
    @Arg('type', () => Int) type: number,
    @Ctx() ctx: SubgraphContext,
  ): Promise<IssuedThirdPartyAccount> {
    const merchant = await visibleMerchant(ctx, merchantId);
    const issued = await ctx.core.thirdPartyAccounts.create(ctx.em, { merchantId: merchant.id, account, type }, actorOf(requireIdentity(ctx)));
    return Object.assign(new IssuedThirdPartyAccount(), { account: toThirdPartyAccountNode(issued.account, false), key: issued.key });
  }

  @Mutation(() => IssuedThirdPartyAccount, { description: 'Replaces the key of a third-party account; the new key is shown once.' })
  async rotateThirdPartyAccountKey(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<IssuedThirdPartyAccount> {
    const found = await visibleAccount(ctx, id);
    const rotated = await ctx.core.thirdPartyAccounts.rotateKey(ctx.em, found.id, actorOf(requireIdentity(ctx)));
    const online = ctx.core.collectionAccounts.isOnline(rotated.account);
    return Object.assign(new IssuedThirdPartyAccount(), { account: toThirdPartyAccountNode(rotated.account, online), key: rotated.key });
  }

  @Mutation(() => ThirdPartyAccountNode, { description: 'Enables or disables a third-party account (a disabled one is refused by the report routes).' })
  async setThirdPartyAccountEnabled(
    @Arg('id', () => ID) id: string,
    @Arg('enabled', () => Boolean) enabled: boolean,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ThirdPartyAccountNode> {
    const found = await visibleAccount(ctx, id);
    const account = await ctx.core.thirdPartyAccounts.setEnabled(ctx.em, found.id, enabled, actorOf(requireIdentity(ctx)));
    return toThirdPartyAccountNode(account, ctx.core.collectionAccounts.isOnline(account));
  }
}
