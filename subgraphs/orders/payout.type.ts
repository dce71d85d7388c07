import { Directive, Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import type { Payout, PayoutStatus } from '../../core/entities/index.js';
import { connectionType } from '../shared/connection.js';
import { FenScalar } from '../shared/scalars.js';
import { PayoutStatusEnum } from './enums.js';
import { MerchantRef, merchantRef } from './references.type.js';

@Directive('@key(fields: "id")')
@ObjectType('Payout', { description: "A payout to a bank account, reserved from the merchant's balance when created." })
export class PayoutNode {
  @Field(() => ID, { description: 'Public id (`po_…`).' })
  id!: string;

  @Field(() => String, { description: "The merchant's reference number." })
  mrn!: string;

  @Field(() => MerchantRef)
  merchant!: MerchantRef;

  @Field(() => PayoutStatusEnum)
  status!: PayoutStatus;

  @Field(() => FenScalar)
  amount!: number;

  @Field(() => String)
  bankName!: string;

  @Field(() => String)
  accountName!: string;

  @Field(() => String)
  accountNumber!: string;

  @Field(() => String)
  callbackUrl!: string;

  @Field(() => String, { nullable: true })
  failureReason!: string | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  @Field(() => GraphQLISODateTime, { nullable: true })
  finishedAt!: Date | null;

  merchantId!: number;
}

export function toPayoutNode(p: Payout): PayoutNode {
  return Object.assign(new PayoutNode(), {
    id: p.publicId,
    mrn: p.mrn,
    merchantId: p.merchant.id,
    merchant: merchantRef(p.merchant.id),
    status: p.status,
    amount: p.amount,
    bankName: p.bankName,
    accountName: p.accountName,
    accountNumber: p.accountNumber,
    callbackUrl: p.callbackUrl,
    failureReason: p.failureReason ?? null,
    createdAt: p.createdAt,
    finishedAt: p.finishedAt ?? null,
  });
}

export const PayoutConnection = connectionType(PayoutNode, 'Payout');
