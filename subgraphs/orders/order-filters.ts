import type { FilterQuery } from '@mikro-orm/core';
import { ArgsType, Field, GraphQLISODateTime, ID } from 'type-graphql';
import { PayInStatus, type CallbackStatus, type PayInOrder, type Payout, type PayoutStatus } from '../../core/entities/index.js';
import type { EffectivePayInStatus } from '../../core/services/payins.js';
import { PageArgs } from '../shared/connection.js';
import { ErrorCode, graphqlError } from '../shared/errors.js';
import { CallbackStatusEnum, PayInStatusEnum, PayoutStatusEnum } from './enums.js';

/** Time window shared by every order list: `createdAfter` inclusive, `createdBefore` exclusive. */
@ArgsType()
export class CreatedWindowArgs extends PageArgs {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Created at or after this instant.' })
  createdAfter?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Created before this instant.' })
  createdBefore?: Date | null;
}

@ArgsType()
export class PayInOrderFilterArgs extends CreatedWindowArgs {
  @Field(() => PayInStatusEnum, { nullable: true })
  status?: EffectivePayInStatus | null;

  @Field(() => ID, { nullable: true, description: 'Only orders of this document-004 channel.' })
  channelId?: string | null;
}

@ArgsType()
export class PayoutFilterArgs extends CreatedWindowArgs {
  @Field(() => PayoutStatusEnum, { nullable: true })
  status?: PayoutStatus | null;
}

@ArgsType()
export class CallbackDeliveryFilterArgs extends CreatedWindowArgs {
  @Field(() => CallbackStatusEnum, { nullable: true })
  status?: CallbackStatus | null;
}

/** The time condition of a list, on `createdAt` (or another timestamp, e.g. a report's `receivedAt`). */
export function createdWindow(args: CreatedWindowArgs, column = 'createdAt'): Record<string, unknown> {
  const range: Record<string, Date> = {};
  if (args.createdAfter) range.$gte = args.createdAfter;
  if (args.createdBefore) range.$lt = args.createdBefore;
  return Object.keys(range).length ? { [column]: range } : {};
}

function merchantFilter(merchantId: number | undefined): Record<string, unknown> {
  return merchantId === undefined ? {} : { merchant: merchantId };
}

/**
 * The stored-status condition of each status a reader sees (PayInService.statusAt): a
 * pending order past `expiresAt` reads, and so filters, as expired.
 */
function effectiveStatus(status: EffectivePayInStatus, now: Date): Record<string, unknown> {
  if (status === 'pending') return { status: PayInStatus.Pending, expiresAt: { $gt: now } };
  if (status === 'expired') return { $or: [{ status: PayInStatus.Expired }, { status: PayInStatus.Pending, expiresAt: { $lte: now } }] };
  return { status };
}

export function payInWhere(merchantId: number | undefined, args: PayInOrderFilterArgs, now: Date): FilterQuery<PayInOrder> {
  const parts: Record<string, unknown>[] = [merchantFilter(merchantId), createdWindow(args)];
  if (args.status) parts.push(effectiveStatus(args.status, now));
  if (args.channelId != null) {
    if (!/^[1-9][0-9]{0,8}$/.test(args.channelId)) throw graphqlError(ErrorCode.BadUserInput, 'channelId must be a channel id', 'channelId');
    parts.push({ channelId: Number(args.channelId) });
  }
  return { $and: parts } as FilterQuery<PayInOrder>;
}

export function payoutWhere(merchantId: number | undefined, args: PayoutFilterArgs): FilterQuery<Payout> {
  return { ...merchantFilter(merchantId), ...createdWindow(args), ...(args.status ? { status: args.status } : {}) } as FilterQuery<Payout>;
}
