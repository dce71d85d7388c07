import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { SubgraphContext } from '../shared/context.js';
import { MerchantNode } from './merchant.type.js';
import { MonitorClientNode, toMonitorClientNode } from './monitor-client.type.js';
import { ThirdPartyAccountNode, toThirdPartyAccountNode } from './third-party-account.type.js';

/** What reports payments for a merchant (document 000): its monitor apps and third-party accounts. */
@Resolver(() => MerchantNode)
export class MerchantDevicesResolver {
  @FieldResolver(() => [MonitorClientNode], { description: 'Monitoring apps and whether they are online.' })
  async monitorClients(@Root() merchant: MerchantNode, @Ctx() ctx: SubgraphContext): Promise<MonitorClientNode[]> {
    const now = new Date();
    const clients = await ctx.core.monitorClients.list(ctx.em, merchant.merchantId);
    return clients.map((c) => toMonitorClientNode(c, ctx.core.collectionAccounts.isOnline(c, now)));
  }

  @FieldResolver(() => [ThirdPartyAccountNode], { description: 'Third-party account agents, keys masked.' })
  async thirdPartyAccounts(@Root() merchant: MerchantNode, @Ctx() ctx: SubgraphContext): Promise<ThirdPartyAccountNode[]> {
    const now = new Date();
    const accounts = await ctx.core.thirdPartyAccounts.list(ctx.em, merchant.merchantId);
    return accounts.map((a) => toThirdPartyAccountNode(a, ctx.core.collectionAccounts.isOnline(a, now)));
  }
}
