import { Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import type { ThirdPartyAccount } from '../../core/entities/index.js';

@ObjectType('ThirdPartyAccount', { description: 'A third-party account agent reporting payments for a merchant (document 000), key masked.' })
export class ThirdPartyAccountNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  account!: string;

  @Field(() => Int, { description: "The document's account `type`." })
  type!: number;

  @Field(() => String, { description: 'The signing key masked to its last four characters.' })
  maskedKey!: string;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Boolean, { description: 'Heard from within HEARTBEAT_OFFLINE_SECONDS.' })
  online!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastHeartbeatAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

export function toThirdPartyAccountNode(a: ThirdPartyAccount, online: boolean): ThirdPartyAccountNode {
  return Object.assign(new ThirdPartyAccountNode(), {
    id: String(a.id),
    account: a.account,
    type: a.type,
    maskedKey: `••••••••${a.keyHint}`,
    enabled: a.enabled,
    online,
    lastHeartbeatAt: a.lastHeartbeatAt ?? null,
    createdAt: a.createdAt,
  });
}

@ObjectType('IssuedThirdPartyAccount', { description: 'A third-party account and its signing key, shown this once.' })
export class IssuedThirdPartyAccount {
  @Field(() => ThirdPartyAccountNode)
  account!: ThirdPartyAccountNode;

  @Field(() => String, { description: 'The key in clear. It is never shown again.' })
  key!: string;
}
