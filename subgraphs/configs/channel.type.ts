import { Directive, Field, ID, ObjectType } from 'type-graphql';
import type { Channel } from '../../core/entities/index.js';

@Directive('@key(fields: "id")')
@ObjectType('Channel', { description: 'A row of the document-004 channel table (`channelId` of pay-in requests).' })
export class ChannelNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true, description: 'Monitor pay type it collects with (`alipay`, `wxpay`, `qqpay`, `bank`), if any.' })
  payType!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Payment channel plugin serving it; null: unassigned (the sandbox serves it while SANDBOX_CHANNEL is on).',
  })
  plugin!: string | null;

  @Field(() => Boolean)
  enabled!: boolean;
}

export function toChannelNode(c: Channel): ChannelNode {
  return Object.assign(new ChannelNode(), {
    id: String(c.id),
    name: c.name,
    payType: c.payType ?? null,
    plugin: c.plugin ?? null,
    enabled: c.enabled,
  });
}
