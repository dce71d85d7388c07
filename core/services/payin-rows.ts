import type { EntityManager } from '@mikro-orm/knex';
import { databaseKindOfEm } from '../db/kind.js';
import { dateParam, placeholders, readDate, runInOneTrip, type Rows, type Statement } from '../db/raw-sql.js';
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

/** The statement that locks the pay-ins `where` selects (over `payin_order o`), oldest first. */
function lockPayInsStatement(em: EntityManager, where: string, params: unknown[]): Statement {
  return {
    sql: `select ${LOCKED_COLUMNS}
     from payin_order o
     join merchant m on m.id = o.merchant_id
     left join credential c on c.merchant_id = o.merchant_id and c.kind = ?
     where ${where}
     order by o.created_at, o.id${databaseKindOfEm(em) === 'postgresql' ? ' for update of o' : ''}`,
    params: [CredentialKind.AppKey, ...params],
    returnsRows: true,
  };
}

/** The pay-ins a lock statement of this module returned. */
export function lockedPayIns(em: EntityManager, rows: Rows): LockedPayIn[] {
  return rows.map((row) => lockedPayIn(em, row));
}

/** Locks the pay-in with this public id (optionally only if it is this merchant's). */
export function payInByPublicIdStatement(em: EntityManager, publicId: string, merchantId?: number): Statement {
  return lockPayInsStatement(em, merchantId === undefined ? 'o.public_id = ?' : 'o.public_id = ? and o.merchant_id = ?', [
    publicId,
    ...(merchantId === undefined ? [] : [merchantId]),
  ]);
}

/** The pay-in with this public id (optionally only if it is this merchant's), locked. */
export async function lockPayInByPublicId(em: EntityManager, publicId: string, merchantId?: number): Promise<LockedPayIn | null> {
  const [rows] = await runInOneTrip(em, [payInByPublicIdStatement(em, publicId, merchantId)]);
  return lockedPayIns(em, rows!)[0] ?? null;
}

/** Which pay-ins may still be paid by a payment of `payableAmount`, in accounts given by id or by a subquery. */
export interface PayableQuery {
  merchantId: number;
  payableAmount: number;
  /** Account ids, or a `select id from collection_account …` subquery and its parameters. */
  accounts: number[] | { sql: string; params: unknown[] };
  since: Date;
  includeExpired: boolean;
}

/**
 * Locks the merchant's pay-ins of exactly `payableAmount` in those accounts that may still be
 * paid (pending, or also expired when `since` reaches back into the grace). On PostgreSQL a
 * row another transaction is paying is waited for and then, being paid, no longer selected.
 */
export function payableInAccountsStatement(em: EntityManager, query: PayableQuery): Statement {
  const statuses = query.includeExpired ? [PayInStatus.Pending, PayInStatus.Expired] : [PayInStatus.Pending];
  const accounts = Array.isArray(query.accounts)
    ? { sql: query.accounts.length > 0 ? placeholders(query.accounts) : 'null', params: query.accounts }
    : query.accounts;
  return lockPayInsStatement(
    em,
    `o.merchant_id = ? and o.payable_amount = ? and o.collection_account_id in (${accounts.sql})
     and o.status in (${placeholders(statuses)}) and o.expires_at > ?`,
    [query.merchantId, query.payableAmount, ...accounts.params, ...statuses, dateParam(em, query.since)],
  );
}

/** `payableInAccountsStatement`, run: the payable pay-ins, locked. */
export async function lockPayableInAccounts(em: EntityManager, query: PayableQuery): Promise<LockedPayIn[]> {
  const [rows] = await runInOneTrip(em, [payableInAccountsStatement(em, query)]);
  return lockedPayIns(em, rows!);
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
