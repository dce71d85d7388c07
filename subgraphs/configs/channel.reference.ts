import type { SubgraphContext } from '../shared/context.js';
import { channelById } from './channel.resolver.js';
import type { ChannelNode } from './channel.type.js';

/** `Channel @key(fields: "id")`, referenced by pay-ins in the orders subgraph. */
export function resolveChannelReference(reference: Record<string, unknown>, ctx: SubgraphContext): Promise<ChannelNode> {
  return channelById(ctx, String(reference.id));
}
