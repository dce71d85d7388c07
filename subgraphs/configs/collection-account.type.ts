import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { CollectionAccount } from '../../core/entities/index.js';
import { connectionType } from '../shared/connection.js';
import { FenScalar } from '../shared/scalars.js';
import { MerchantRef, merchantRef, MonitorClientRef, monitorClientRef } from './references.type.js';

@Directive('@key(fields: "id")')
@ObjectType('CollectionAccount', { description: 'A personal payment code a merchant collects on; the monitor channel allocates pay-ins to it.' })
export class CollectionAccountNode {
  @Field(() => ID, { description: "The document-000 `channel_account_id`." })
  id!: string;

  @Field(() => MerchantRef)
  merchant!: MerchantRef;

  @Field(() => String, { description: '`alipay`, `wxpay`, `qqpay`, `bank` or `unionpay`.' })
  payType!: string;

  @Field(() => String, { description: "The merchant's own code for it, as monitors report it in `channel_code`." })
  channelCode!: string;

  @Field(() => String, { nullable: true, description: 'How monitors name the account (`coll_user`, `sub_account`).' })
  accountName!: string | null;

  @Field(() => String, { description: 'What the payer scans: the QR code text.' })
  qrContent!: string;

  @Field(() => FenScalar, { nullable: true })
  minAmount!: number | null;

  @Field(() => FenScalar, { nullable: true })
  maxAmount!: number | null;

  @Field(() => FenScalar, { nullable: true, description: 'Most it may receive per day (Asia/Shanghai day).' })
  dailyCap!: number | null;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Boolean, { description: 'Its monitor was heard from within HEARTBEAT_OFFLINE_SECONDS; offline accounts get no orders.' })
  online!: boolean;

  @Field(() => GraphQLISODateTime, { nullable: true })
  lastHeartbeatAt!: Date | null;

  @Field(() => MonitorClientRef, { nullable: true, description: 'The monitoring app that watches it.' })
  monitorClient!: MonitorClientRef | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  accountId!: number;
  merchantId!: number;
}

export function toCollectionAccountNode(a: CollectionAccount, online: boolean): CollectionAccountNode {
  return Object.assign(new CollectionAccountNode(), {
    id: String(a.id),
    accountId: a.id,
    merchantId: a.merchant.id,
    merchant: merchantRef(a.merchant.id),
    payType: a.payType,
    channelCode: a.channelCode,
    accountName: a.accountName ?? null,
    qrContent: a.qrContent,
    minAmount: a.minAmount ?? null,
    maxAmount: a.maxAmount ?? null,
    dailyCap: a.dailyCap ?? null,
    enabled: a.enabled,
    online,
    lastHeartbeatAt: a.lastHeartbeatAt ?? null,
    monitorClient: monitorClientRef(a.monitorClient?.id),
    createdAt: a.createdAt,
  });
}

export const CollectionAccountConnection = connectionType(CollectionAccountNode, 'CollectionAccount');
