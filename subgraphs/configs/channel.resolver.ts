import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { Channel } from '../../core/entities/index.js';
import type { SubgraphContext } from '../shared/context.js';
import { notFound, numericId, requireIdentity } from '../shared/guards.js';
import { ChannelNode, toChannelNode } from './channel.type.js';

/**
 * Loads a channel by id; the channel table is readable by every caller (merchants pick
 * channels from it). A page of orders names its channels in one `_entities` call, read
 * with one query.
 */
export async function channelById(ctx: SubgraphContext, id: string): Promise<ChannelNode> {
  requireIdentity(ctx);
  const loader = ctx.loader<number, Channel>('channels', async (ids) => new Map((await ctx.em.find(Channel, { id: { $in: ids } })).map((c) => [c.id, c])));
  return toChannelNode((await loader.load(numericId(id, 'channel'))) ?? notFound('channel'));
}

@Resolver(() => ChannelNode)
export class ChannelResolver {
  @Query(() => [ChannelNode], { description: 'The document-004 channel table, by id.' })
  async channels(@Ctx() ctx: SubgraphContext): Promise<ChannelNode[]> {
    requireIdentity(ctx);
    return (await ctx.em.find(Channel, {}, { orderBy: { id: 'asc' } })).map(toChannelNode);
  }

  @Query(() => ChannelNode, { nullable: true })
  async channel(@Arg('id', () => ID) id: string, @Ctx() ctx: SubgraphContext): Promise<ChannelNode> {
    return channelById(ctx, id);
  }
}
