import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import { Channel } from '../../core/entities/index.js';
import type { SubgraphContext } from '../shared/context.js';
import { notFound, numericId, requireAdmin, requireIdentity } from '../shared/guards.js';
import { actorOf } from '../shared/identity.js';
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

@InputType('UpdateChannelInput', { description: 'Fields left out stay as they are.' })
class UpdateChannelInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Plugin serving the channel (see `plugins`); empty string unassigns it.' })
  plugin?: string | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
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

  @Mutation(() => ChannelNode, { description: 'Edits a row of the channel table: name, serving plugin, enabled (admin). Audited.' })
  async updateChannel(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateChannelInput) input: UpdateChannelInput,
    @Ctx() ctx: SubgraphContext,
  ): Promise<ChannelNode> {
    requireAdmin(ctx);
    const channel = await ctx.core.channels.update(
      ctx.em,
      numericId(id, 'channel'),
      {
        name: input.name ?? undefined,
        plugin: input.plugin === undefined || input.plugin === null ? undefined : input.plugin === '' ? null : input.plugin,
        enabled: input.enabled ?? undefined,
      },
      actorOf(requireIdentity(ctx)),
    );
    return toChannelNode(channel);
  }
}
