import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { PayInOrder } from '../../core/entities/index.js';
import type { EffectivePayInStatus } from '../../core/services/payins.js';
import { connectionType } from '../shared/connection.js';
import { FenScalar } from '../shared/scalars.js';
import { PayInStatusEnum } from './enums.js';
import { ChannelRef, channelRef, CollectionAccountRef, collectionAccountRef, MerchantRef, merchantRef } from './references.type.js';

@Directive('@key(fields: "id")')
@ObjectType('PayInOrder', { description: 'A pay-in: money a payer owes a merchant. Amounts in fen.' })
export class PayInOrderNode {
  @Field(() => ID, { description: 'Public id (the cashier URL id, `pi_…`).' })
  id!: string;

  @Field(() => String, { description: "The merchant's reference number." })
  mrn!: string;

  @Field(() => MerchantRef)
  merchant!: MerchantRef;

  @Field(() => ChannelRef, { description: 'The document-004 channel it was created for.' })
  channel!: ChannelRef;

  @Field(() => PayInStatusEnum)
  status!: EffectivePayInStatus;

  @Field(() => FenScalar, { description: 'What the merchant asked for.' })
  amount!: number;

  @Field(() => FenScalar, { description: 'What the payer must send (a channel may shift it by a few fen to recognise it).' })
  payableAmount!: number;

  @Field(() => FenScalar, { nullable: true, description: 'What arrived; null until paid.' })
  paidAmount!: number | null;

  @Field(() => FenScalar, { description: 'Platform fee taken from a paid pay-in.' })
  feeAmount!: number;

  @Field(() => String, { nullable: true })
  payer!: string | null;

  @Field(() => String, { nullable: true })
  upstreamTradeNo!: string | null;

  @Field(() => String, { nullable: true, description: 'What settled it: `channel:<plugin>`, `report:<id>`, `admin`…' })
  settledVia!: string | null;

  @Field(() => String)
  channelPlugin!: string;

  @Field(() => CollectionAccountRef, { nullable: true, description: 'The collection account an allocating channel chose.' })
  collectionAccount!: CollectionAccountRef | null;

  @Field(() => String)
  callbackUrl!: string;

  @Field(() => String)
  returnUrl!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime)
  expiresAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  paidAt!: Date | null;

  /** Owner, for access checks and loaders. */
  merchantId!: number;
}

export function toPayInOrderNode(o: PayInOrder, status: EffectivePayInStatus): PayInOrderNode {
  return Object.assign(new PayInOrderNode(), {
    id: o.publicId,
    mrn: o.mrn,
    merchantId: o.merchant.id,
    merchant: merchantRef(o.merchant.id),
    channel: channelRef(o.channelId),
    status,
    amount: o.originAmount,
    payableAmount: o.payableAmount,
    paidAmount: o.paidAmount ?? null,
    feeAmount: o.feeAmount,
    payer: o.payer ?? null,
    upstreamTradeNo: o.upstreamTradeNo ?? null,
    settledVia: o.settledVia ?? null,
    channelPlugin: o.channelPlugin,
    collectionAccount: collectionAccountRef(o.collectionAccountId),
    callbackUrl: o.callbackUrl,
    returnUrl: o.returnUrl,
    createdAt: o.createdAt,
    expiresAt: o.expiresAt,
    paidAt: o.paidAt ?? null,
  });
}

export const PayInOrderConnection = connectionType(PayInOrderNode, 'PayInOrder');
