import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { MonitorClient } from '../../core/entities/index.js';

@Directive('@key(fields: "id")')
@ObjectType('MonitorClient', { description: "A monitoring app on a merchant's phone (document 000 `client_name`)." })
export class MonitorClientNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  clientName!: string;

  @Field(() => Boolean, { description: 'Heard from within HEARTBEAT_OFFLINE_SECONDS.' })
  online!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastHeartbeatAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The last heartbeat's `ext_data`, as received." })
  extData!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  merchantId!: number;
}

export function toMonitorClientNode(c: MonitorClient, online: boolean): MonitorClientNode {
  return Object.assign(new MonitorClientNode(), {
    id: String(c.id),
    merchantId: c.merchant.id,
    clientName: c.clientName,
    online,
    lastHeartbeatAt: c.lastHeartbeatAt ?? null,
    extData: c.extData ?? null,
    createdAt: c.createdAt,
  });
}
