import { Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { paymentChannelPlugins } from '../../adapters/channels/index.js';
import type { PaymentChannelPlugin } from '../../core/ports/index.js';
import type { SubgraphContext } from '../shared/context.js';
import { requireAdmin } from '../shared/guards.js';
import { JSONObjectScalar } from '../shared/scalars.js';
import { optionsJsonSchema } from './options-schema.js';

@ObjectType('ScheduledPluginTask')
class ScheduledTaskNode {
  @Field(() => String)
  name!: string;

  @Field(() => String, { description: '`system`, `account` (each collection account) or `order` (each pending order).' })
  scope!: string;

  @Field(() => Int)
  everyMs!: number;
}

@ObjectType('PaymentChannelPlugin', { description: 'A payment channel plugin active in this installation.' })
class PaymentChannelPluginNode {
  @Field(() => String, { description: 'Registry name; `Channel.plugin` refers to it.' })
  id!: string;

  @Field(() => String)
  displayName!: string;

  @Field(() => JSONObjectScalar, { nullable: true, description: "JSON Schema of a collection account's options for this plugin; null when it takes none." })
  optionsSchema!: Record<string, unknown> | null;

  @Field(() => Boolean)
  supportsPayout!: boolean;

  @Field(() => Boolean, { description: 'Verifies upstream notifications (`/channels/{id}/notify`).' })
  acceptsNotifications!: boolean;

  @Field(() => [ScheduledTaskNode])
  scheduledTasks!: ScheduledTaskNode[];
}

function toPluginNode(p: PaymentChannelPlugin): PaymentChannelPluginNode {
  return Object.assign(new PaymentChannelPluginNode(), {
    id: p.id,
    displayName: p.displayName,
    optionsSchema: p.optionsSchema ? optionsJsonSchema(p.optionsSchema) : null,
    supportsPayout: p.supportsPayout ?? false,
    acceptsNotifications: typeof p.notify === 'function',
    scheduledTasks: (p.scheduledTasks ?? []).map((t) => Object.assign(new ScheduledTaskNode(), t)),
  });
}

@Resolver(() => PaymentChannelPluginNode)
export class PluginResolver {
  @Query(() => [PaymentChannelPluginNode], { description: 'Payment channel plugins installed and active (admin only).' })
  paymentChannelPlugins(@Ctx() ctx: SubgraphContext): PaymentChannelPluginNode[] {
    requireAdmin(ctx);
    // Installed = shipped in the registry; active = core took it (the sandbox is off in production).
    return paymentChannelPlugins
      .map((p) => ctx.core.channels.plugin(p.id))
      .filter((p): p is PaymentChannelPlugin => p !== null)
      .map(toPluginNode);
  }
}
