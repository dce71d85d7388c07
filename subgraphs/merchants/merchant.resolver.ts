import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Credential, LedgerAccountKind, LedgerEntry, Merchant, type MerchantStatus } from '../../core/entities/index.js';
import { formatFenAsYuan } from '../../core/money/fen.js';
import { PageArgs, paginate, type Connection } from '../shared/connection.js';
import type { SubgraphContext } from '../shared/context.js';
import { notFound, numericId, requireAdmin, requireMerchantAccess } from '../shared/guards.js';
import { FenScalar } from '../shared/scalars.js';
import { merchantBalances } from './balances.js';
import { CredentialNode, toCredentialNode } from './credential.type.js';
import { LedgerAccountSideEnum, MerchantStatusEnum, type LedgerAccountSide } from './enums.js';
import { LedgerEntryConnection, toLedgerEntryNode, type LedgerEntryNode } from './ledger-entry.type.js';
import { MerchantConnection, MerchantNode, toMerchantNode } from './merchant.type.js';

@ArgsType()
class MerchantsArgs extends PageArgs {
  @Field(() => MerchantStatusEnum, { nullable: true })
  status?: MerchantStatus | null;
}

@ArgsType()
class LedgerEntriesArgs extends PageArgs {
  @Field(() => LedgerAccountSideEnum, { nullable: true, description: 'Only entries of this account; both when omitted.' })
  account?: LedgerAccountSide | null;
}

const sideKinds: Record<LedgerAccountSide, LedgerAccountKind> = {
  available: LedgerAccountKind.MerchantAvailable,
  reserved: LedgerAccountKind.MerchantReserved,
};

/** Loads a merchant the caller may see, or throws NOT_FOUND. */
export async function visibleMerchant(ctx: SubgraphContext, id: string | number): Promise<Merchant> {
  const merchantId = numericId(id, 'merchant');
  requireMerchantAccess(ctx, merchantId);
  return (await ctx.em.findOne(Merchant, { id: merchantId })) ?? notFound('merchant');
}

@Resolver(() => MerchantNode)
export class MerchantResolver {
  @Query(() => MerchantNode, { nullable: true, description: 'A merchant by id (merchants: only their own).' })
  async merchant(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<MerchantNode> {
    return toMerchantNode(await visibleMerchant(ctx, id));
  }

  @Query(() => MerchantConnection, { description: 'All merchants, newest first (admin only).' })
  async merchants(@Args(() => MerchantsArgs) args: MerchantsArgs, @Ctx() ctx: SubgraphContext): Promise<Connection<MerchantNode>> {
    requireAdmin(ctx);
    return paginate(ctx.em, Merchant, args.status ? { status: args.status } : {}, args, { toNode: toMerchantNode });
  }

  @FieldResolver(() => FenScalar, { description: 'Available balance (can be paid out), in fen.' })
  async balance(@Root() merchant: MerchantNode, @Ctx() ctx: SubgraphContext): Promise<number> {
    return (await merchantBalances(ctx, merchant.merchantId)).available;
  }

  @FieldResolver(() => String, { description: 'Available balance formatted in yuan, e.g. `1234.50`.' })
  async balanceYuan(@Root() merchant: MerchantNode, @Ctx() ctx: SubgraphContext): Promise<string> {
    return formatFenAsYuan((await merchantBalances(ctx, merchant.merchantId)).available);
  }

  @FieldResolver(() => FenScalar, { description: 'Balance held for payouts in flight, in fen.' })
  async reservedBalance(@Root() merchant: MerchantNode, @Ctx() ctx: SubgraphContext): Promise<number> {
    return (await merchantBalances(ctx, merchant.merchantId)).reserved;
  }

  @FieldResolver(() => [CredentialNode], { description: 'Credentials, secrets masked.' })
  async credentials(@Root() merchant: MerchantNode, @Ctx() ctx: SubgraphContext): Promise<CredentialNode[]> {
    const rows = await ctx.em.find(Credential, { merchant: merchant.merchantId }, { orderBy: { kind: 'asc' } });
    return rows.map(toCredentialNode);
  }

  @FieldResolver(() => LedgerEntryConnection, { description: 'Ledger movements, newest first.' })
  async ledgerEntries(
    @Root() merchant: MerchantNode,
    @Args(() => LedgerEntriesArgs) args: LedgerEntriesArgs,
    @Ctx() ctx: SubgraphContext,
  ): Promise<Connection<LedgerEntryNode>> {
    const kinds = args.account ? [sideKinds[args.account]] : Object.values(sideKinds);
    const page = await paginate(ctx.em, LedgerEntry, { account: { merchant: merchant.merchantId, kind: { $in: kinds } } }, args, {
      toNode: toLedgerEntryNode,
      populate: ['account', 'transaction'],
    });
    // Pay-in credits are appended without a stored running balance (LedgerService.post), so
    // the page's balances are computed together, in entry order, from one snapshot.
    const balances = await ctx.core.ledger.balancesAfter(ctx.em, page.edges.map((e) => Number(e.node.id)));
    for (const { node } of page.edges) node.balanceAfter = balances.get(Number(node.id)) ?? node.balanceAfter;
    return page;
  }
}
