import type { EntityManager } from '@mikro-orm/knex';
import { databaseKindOfEm } from '../db/kind.js';
import { dateParam, placeholders, readDate, type Statement } from '../db/raw-sql.js';
import { CredentialKind, PayInStatus } from '../entities/index.js';

/**
 * A pay-in read for settling, row-locked on PostgreSQL (SQLite has one writer, so its
 * transactions never interleave), with what settling it needs from elsewhere: the
 * merchant's fee rate and its sealed document-004 app credential (to sign the callback).
 * Read by hand-written SQL because this is the money path: one statement instead of
 * three ORM round trips and their hydration (bench/FINDINGS.md).
 */
export interface LockedPayIn {
  id: number;
  publicId: string;
  merchantId: number;
  status: PayInStatus;
  channelPlugin: string;
  payableAmount: number;
  collectionAccountId: number | null;
  expiresAt: Date;
  feeRateBp: number;
  mrn: string;
  channelId: number;
  originAmount: number;
  callbackUrl: string;
  appKey: string | null;
  appSecretSealed: string | null;
}

const LOCKED_COLUMNS = `o.id, o.public_id, o.merchant_id, o.status, o.channel_plugin, o.payable_amount, o.collection_account_id,
  o.expires_at, o.mrn, o.channel_id, o.origin_amount, o.callback_url, m.fee_rate_bp, c.lookup as app_key, c.secret_sealed as app_secret_sealed`;

function lockedPayIn(em: EntityManager, row: Record<string, unknown>): LockedPayIn {
  return {
    id: Number(row.id),
    publicId: String(row.public_id),
    merchantId: Number(row.merchant_id),
    status: row.status as PayInStatus,
    channelPlugin: String(row.channel_plugin),
    payableAmount: Number(row.payable_amount),
    collectionAccountId: row.collection_account_id == null ? null : Number(row.collection_account_id),
    expiresAt: readDate(em, row.expires_at),
    feeRateBp: Number(row.fee_rate_bp),
    mrn: String(row.mrn),
    channelId: Number(row.channel_id),
    originAmount: Number(row.origin_amount),
    callbackUrl: String(row.callback_url),
    appKey: row.app_key == null ? null : String(row.app_key),
    appSecretSealed: row.app_secret_sealed == null ? null : String(row.app_secret_sealed),
  };
}

/** Locks and returns the pay-ins `where` selects (over `payin_order o`), oldest first. */
async function lockPayIns(em: EntityManager, where: string, params: unknown[]): Promise<LockedPayIn[]> {
  const rows = await em.execute<Array<Record<string, unknown>>>(
    `select ${LOCKED_COLUMNS}
     from payin_order o
     join merchant m on m.id = o.merchant_id
     left join credential c on c.merchant_id = o.merchant_id and c.kind = ?
     where ${where}
     order by o.created_at, o.id${databaseKindOfEm(em) === 'postgresql' ? ' for update of o' : ''}`,
    [CredentialKind.AppKey, ...params],
  );
  return rows.map((row) => lockedPayIn(em, row));
}

/** The pay-in with this public id (optionally only if it is this merchant's), locked. */
export async function lockPayInByPublicId(em: EntityManager, publicId: string, merchantId?: number): Promise<LockedPayIn | null> {
  const [row] = await lockPayIns(em, merchantId === undefined ? 'o.public_id = ?' : 'o.public_id = ? and o.merchant_id = ?', [
    publicId,
    ...(merchantId === undefined ? [] : [merchantId]),
  ]);
  return row ?? null;
}

/**
 * The merchant's pay-ins of exactly `payableAmount` in one of `collectionAccountIds` that
 * may still be paid (pending, or also expired when `since` reaches back into the grace),
 * locked. On PostgreSQL a row another transaction is paying is waited for and then, being
 * paid, no longer selected.
 */
export async function lockPayableInAccounts(
  em: EntityManager,
  query: { merchantId: number; payableAmount: number; collectionAccountIds: number[]; since: Date; includeExpired: boolean },
): Promise<LockedPayIn[]> {
  if (query.collectionAccountIds.length === 0) return [];
  const statuses = query.includeExpired ? [PayInStatus.Pending, PayInStatus.Expired] : [PayInStatus.Pending];
  return lockPayIns(
    em,
    `o.merchant_id = ? and o.payable_amount = ? and o.collection_account_id in (${placeholders(query.collectionAccountIds)})
     and o.status in (${placeholders(statuses)}) and o.expires_at > ?`,
    [query.merchantId, query.payableAmount, ...query.collectionAccountIds, ...statuses, dateParam(em, query.since)],
  );
}

/** What paying a pay-in writes on its row. */
export interface PaidFields {
  paidAmount: number;
  feeAmount: number;
  paidAt: Date;
  upstreamTradeNo: string | null;
  settledVia: string;
}

/**
 * Marks a locked pay-in paid (its row comes back, to be mapped to the entity) and frees its
 * amount claim: statements for the payment's one round trip (runInOneTrip). No row back
 * means it was no longer pending or expired.
 */
export function markPaidStatements(em: EntityManager, orderId: number, paid: PaidFields): Statement[] {
  return [
    {
      sql: `update payin_order set status = ?, paid_amount = ?, fee_amount = ?, paid_at = ?, upstream_trade_no = ?, settled_via = ?
            where id = ? and status in (?, ?) returning *`,
      params: [
        PayInStatus.Paid,
        paid.paidAmount,
        paid.feeAmount,
        dateParam(em, paid.paidAt),
        paid.upstreamTradeNo,
        paid.settledVia,
        orderId,
        PayInStatus.Pending,
        PayInStatus.Expired,
      ],
      returnsRows: true,
    },
    { sql: 'delete from amount_claim where order_id = ?', params: [orderId] },
  ];
}
