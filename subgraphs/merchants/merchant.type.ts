import { Directive, Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import type { Merchant, MerchantStatus } from '../../core/entities/index.js';
import { connectionType } from '../shared/connection.js';
import { MerchantStatusEnum } from './enums.js';

/** The merchant entity; other subgraphs add fields to it (orders, payouts, accounts…). */
@Directive('@key(fields: "id")')
@ObjectType('Merchant', { description: 'A merchant: the tenant every order, balance and credential belongs to.' })
export class MerchantNode {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Public merchant number (document 000 report paths).' })
  pid!: string;

  @Field(() => String)
  name!: string;

  @Field(() => MerchantStatusEnum)
  status!: MerchantStatus;

  @Field(() => Int, { description: 'Fee on paid pay-ins, in basis points (1/10000).' })
  feeRateBp!: number;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  /** Database id, for field resolvers. */
  merchantId!: number;
}

export function toMerchantNode(m: Merchant): MerchantNode {
  return Object.assign(new MerchantNode(), {
    id: String(m.id),
    merchantId: m.id,
    pid: m.pid,
    name: m.name,
    status: m.status,
    feeRateBp: m.feeRateBp,
    createdAt: m.createdAt,
  });
}

export const MerchantConnection = connectionType(MerchantNode, 'Merchant');
