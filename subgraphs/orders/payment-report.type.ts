import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { PaymentReport, PaymentReportSource, PaymentReportStatus } from '../../core/entities/index.js';
import { connectionType } from '../shared/connection.js';
import { FenScalar, JSONObjectScalar } from '../shared/scalars.js';
import { PaymentReportSourceEnum, PaymentReportStatusEnum } from './enums.js';
import { CollectionAccountRef, collectionAccountRef, MerchantRef, merchantRef } from './references.type.js';

@Directive('@key(fields: "id")')
@ObjectType('PaymentReport', { description: 'A payment a monitor saw arrive (document 000), matched to a pay-in or kept for review.' })
export class PaymentReportNode {
  @Field(() => ID)
  id!: string;

  @Field(() => MerchantRef)
  merchant!: MerchantRef;

  @Field(() => PaymentReportSourceEnum)
  source!: PaymentReportSource;

  @Field(() => PaymentReportStatusEnum)
  status!: PaymentReportStatus;

  @Field(() => String, { nullable: true, description: 'Why an unmatched report matched nothing (`no_pending_order`, `ambiguous`, `amount_mismatch`, …).' })
  reason!: string | null;

  @Field(() => FenScalar)
  amount!: number;

  @Field(() => String)
  payType!: string;

  @Field(() => String, { nullable: true })
  channelCode!: string | null;

  @Field(() => String, { nullable: true, description: "The payment's id at Alipay/WeChat/the bank, when known." })
  upstreamOrderId!: string | null;

  @Field(() => String, { nullable: true, description: 'The pay-in the monitor named explicitly, if any.' })
  orderRef!: string | null;

  @Field(() => CollectionAccountRef, { nullable: true })
  collectionAccount!: CollectionAccountRef | null;

  @Field(() => JSONObjectScalar, { description: 'Every field as the monitor sent it (without `sign`).' })
  fields!: Record<string, unknown>;

  @Field(() => GraphQLISODateTime)
  receivedAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  matchedAt!: Date | null;

  merchantId!: number;
  /** Database id of the pay-in it paid, if any. */
  orderDbId!: number | null;
}

export function toPaymentReportNode(r: PaymentReport): PaymentReportNode {
  return Object.assign(new PaymentReportNode(), {
    id: String(r.id),
    merchantId: r.merchant.id,
    merchant: merchantRef(r.merchant.id),
    source: r.source,
    status: r.status,
    reason: r.reason ?? null,
    amount: r.amount,
    payType: r.payType,
    channelCode: r.channelCode ?? null,
    upstreamOrderId: r.upstreamOrderId ?? null,
    orderRef: r.orderRef ?? null,
    collectionAccount: collectionAccountRef(r.collectionAccountId),
    fields: r.fields,
    receivedAt: r.receivedAt,
    matchedAt: r.matchedAt ?? null,
    orderDbId: r.payInOrder?.id ?? null,
  });
}

export const PaymentReportConnection = connectionType(PaymentReportNode, 'PaymentReport');
