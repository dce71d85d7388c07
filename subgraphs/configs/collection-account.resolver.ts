import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { CollectionAccount } from '../../core/entities/index.js';
import { PageArgs, paginate, type Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { merchantScope, notFound, numericId, requireIdentity, requireMerchantAccess } from '../shared/guards.js';
import { actorOf } from '../shared/identity.js';
import { FenScalar } from '../shared/scalars.js';
import { collectionAccountPatch, CreateCollectionAccountInput, qrImageOf, UpdateCollectionAccountInput } from './collection-account.inputs.js';
import { CollectionAccountConnection, CollectionAccountNode, toCollectionAccountNode } from './collection-account.type.js';

@ArgsType()
class CollectionAccountsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Admin: only this merchant (all when omitted). Merchants always see only their own.' })
  merchantId?: string | null;

  @Field(() => String, { nullable: true })
  payType?: string | null;
}

export function toNode(ctx: SubgraphContext, account: CollectionAccount, now = new Date()): CollectionAccountNode {
  return toCollectionAccountNode(account, ctx.core.collectionAccounts.isOnline(account, now));
}

/** Loads a collection account the caller may see (admin, or its merchant), or throws NOT_FOUND. */
export async function visibleCollectionAccount(ctx: SubgraphContext, id: string): Promise<CollectionAccount> {
  const account = (await ctx.em.findOne(CollectionAccount, { id: numericId(id, 'collection account') })) ?? notFound('collection account');
  requireMerchantAccess(ctx, account.merchant.id, 'collection account');
  return account;
}

@Resolver(() => CollectionAccountNode)
export class CollectionAccountResolver {
  @Query(() => CollectionAccountNode, { nullable: true })
  async collectionAccount(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<CollectionAccountNode> {
    return toNode(ctx, await visibleCollectionAccount(ctx, id));
  }

  @Query(() => CollectionAccountConnection, { description: 'Collection accounts, newest first.' })
  async collectionAccounts(@Args(() => CollectionAccountsArgs) args: CollectionAccountsArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<CollectionAccountNode>> {
    const merchantId = merchantScope(ctx, args.merchantId == null ? undefined : numericId(args.merchantId, 'merchant'));
    const now = new Date();
    const where = { ...(merchantId === undefined ? {} : { merchant: merchantId }), ...(args.payType ? { payType: args.payType } : {}) };
    return paginate(ctx.em, CollectionAccount, where, args, { toNode: (a) => toNode(ctx, a, now) });
  }

  @FieldResolver(() => FenScalar, { description: 'Paid into it since the start of today (Asia/Shanghai), in fen.' })
  async receivedToday(@Root() account: CollectionAccountNode, @Ctx() ctx: SubgraphContext): Promise<number> {
    const loader = ctx.loader<number, number>('received-today', (ids) => ctx.core.collectionAccounts.receivedToday(ctx.em, ids));
    return (await loader.load(account.accountId)) ?? 0;
  }

  @Mutation(() => CollectionAccountNode, { description: 'Adds a collection account (admin, or the merchant itself). Audited.' })
  async createCollectionAccount(@Arg('input', () => CreateCollectionAccountInput) input: CreateCollectionAccountInput, @Ctx() ctx: SubgraphContext): Promise<CollectionAccountNode> {
    const merchantId = numericId(input.merchantId, 'merchant');
    requireMerchantAccess(ctx, merchantId);
    const account = await ctx.core.collectionAccounts.create(
      ctx.em,
      {
        merchantId,
        payType: input.payType,
        channelCode: input.channelCode,
        accountName: input.accountName,
        qrContent: input.qrContent,
        qrImage: qrImageOf(input.qrImageBase64),
        minAmount: input.minAmount,
        maxAmount: input.maxAmount,
        dailyCap: input.dailyCap,
        enabled: input.enabled ?? undefined,
        clientName: input.clientName,
      },
      actorOf(requireIdentity(ctx)),
    );
    return toNode(ctx, account);
  }

  @Mutation(() => CollectionAccountNode, { description: 'Changes the fields given of a collection account (admin, or its merchant). Audited.' })
  async updateCollectionAccount(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCollectionAccountInput) input: UpdateCollectionAccountInput,
    @Ctx() ctx: SubgraphContext,
  ): Promise<CollectionAccountNode> {
    const found = await visibleCollectionAccount(ctx, id);
    const account = await ctx.core.collectionAccounts.update(ctx.em, found.merchant.id, found.id, collectionAccountPatch(input), actorOf(requireIdentity(ctx)));
    return toNode(ctx, account);
  }
}
