import { Field, GraphQLISODateTime, ID, ObjectType } from 'type-graphql';
import { LedgerAccountKind, type LedgerEntry } from '../../core/entities/index.js';
import { connectionType } from '../shared/connection.js';
import { FenScalar } from '../shared/scalars.js';
import { LedgerAccountSideEnum, type LedgerAccountSide } from './enums.js';

/** One movement on a merchant's ledger account. */
@ObjectType('LedgerEntry')
export class LedgerEntryNode {
  @Field(() => ID)
  id!: string;

  @Field(() => LedgerAccountSideEnum)
  account!: LedgerAccountSide;

  @Field(() => FenScalar, { description: 'Signed: positive credits the account, negative debits it.' })
  amount!: number;

  @Field(() => FenScalar, { description: "The account's balance right after this entry, in entry order." })
  balanceAfter!: number;

  @Field(() => String, { description: 'Why the money moved, e.g. `payin_paid`, `payout_reserve`.' })
  reason!: string;

  @Field(() => String, { description: 'The business event that moved it, e.g. `payin:17:paid` (unique per posting).' })
  reference!: string;

  @Field(() => GraphQLISODateTime)
  createdAt!: Date;
}

export function toLedgerEntryNode(e: LedgerEntry): LedgerEntryNode {
  return Object.assign(new LedgerEntryNode(), {
    id: String(e.id),
    account: e.account.kind === LedgerAccountKind.MerchantReserved ? 'reserved' : 'available',
    amount: e.amount,
    balanceAfter: e.balanceAfter ?? 0, // filled in for the whole page by the resolver
    reason: e.transaction.reason,
    reference: e.transaction.idempotencyKey,
    createdAt: e.createdAt,
  });
}

export const LedgerEntryConnection = connectionType(LedgerEntryNode, 'LedgerEntry');
