import { Directive, Field, GraphQLISODateTime, ID, Int, ObjectType } from 'type-graphql';
import type { CallbackAttempt, CallbackDelivery, CallbackStatus } from '../../core/entities/index.js';
import { connectionType } from '../shared/connection.js';
import { CallbackAttemptStatusEnum, CallbackStatusEnum, type CallbackAttemptStatus } from './enums.js';
import { MerchantRef, merchantRef } from './references.type.js';

@ObjectType('CallbackAttempt', { description: 'One HTTP attempt at a callback.' })
export class CallbackAttemptNode {
  @Field(() => Int, { description: '1-based.' })
  number!: number;

  @Field(() => CallbackAttemptStatusEnum)
  status!: CallbackAttemptStatus;

  @Field(() => GraphQLISODateTime)
  startedAt!: Date;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the reply; null when none came (timeout, refused).' })
  httpStatus!: number | null;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: 'First characters of the reply body.' })
  replySnippet!: string | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

export function toCallbackAttemptNode(a: CallbackAttempt): CallbackAttemptNode {
  return Object.assign(new CallbackAttemptNode(), {
    number: a.number,
    status: a.success ? 'succeeded' : 'failed',
    startedAt: a.startedAt,
    httpStatus: a.httpStatus ?? null,
    latencyMs: a.latencyMs,
    replySnippet: a.replySnippet ?? null,
    error: a.error ?? null,
  });
}

@Directive('@key(fields: "id")')
@ObjectType('CallbackDelivery', { description: 'A callback owed to a caller, with every attempt at it.' })
export class CallbackDeliveryNode {
  @Field(() => ID)
  id!: string;

  @Field(() => MerchantRef, { nullable: true })
  merchant!: MerchantRef | null;

  @Field(() => String, { description: 'Delivery profile: request shape, success rule, retry schedule (e.g. `doc004`).' })
  profile!: string;

  @Field(() => String, { description: '`payin`, `payout`, …' })
  subjectType!: string;

  @Field(() => String, { description: 'Public id of the subject (e.g. the pay-in id).' })
  subjectId!: string;

  @Field(() => String)
  url!: string;

  @Field(() => String)
  contentType!: string;

  @Field(() => String, { description: 'The exact request body, frozen when the callback was owed.' })
  body!: string;

  @Field(() => CallbackStatusEnum)
  status!: CallbackStatus;

  @Field(() => Int)
  attemptCount!: number;

  @Field(() => GraphQLISODateTime, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;

  /** Owner, for access checks. */
  merchantId!: number | null;
}

export function toCallbackDeliveryNode(d: CallbackDelivery): CallbackDeliveryNode {
  const merchantId = d.merchant?.id ?? null;
  return Object.assign(new CallbackDeliveryNode(), {
    id: d.id,
    merchantId,
    merchant: merchantId === null ? null : merchantRef(merchantId),
    profile: d.profile,
    subjectType: d.subjectType,
    subjectId: d.subjectId,
    url: d.url,
    contentType: d.contentType,
    body: d.body,
    status: d.status,
    attemptCount: d.attemptCount,
    nextAttemptAt: d.nextAttemptAt ?? null,
    deliveredAt: d.deliveredAt ?? null,
    createdAt: d.createdAt,
  });
}

export const CallbackDeliveryConnection = connectionType(CallbackDeliveryNode, 'CallbackDelivery');
