import { dateParam } from '../db/raw-sql.js';
import type { EntityManager } from '@mikro-orm/knex';
import type { Statement } from '../db/raw-sql.js';
import { PaymentReportStatus } from '../entities/index.js';
import { CoreError } from './errors.js';
import type { PaymentReportInput } from './report-matching.js';

/**
 * The statements of a monitor report, hand-written because they run on every report
 * (bench/FINDINGS.md): no ORM query building or change set, and sent in as few round
 * trips as their dependencies allow (runInOneTrip).
 */

/** A collection account as matching needs it. */
export interface ReportedAccount {
  id: number;
  payType: string;
  accountName: string | null;
}

/** Which of `collection_account` the report names (explicit id) or may concern (pay type, channel code). */
function accountsWhere(input: PaymentReportInput): { sql: string; params: unknown[] } {
  return input.collectionAccountId != null
    ? { sql: 'id = ? and merchant_id = ?', params: [input.collectionAccountId, input.merchantId] }
    : {
        sql: `merchant_id = ? and pay_type = ?${input.channelCode ? ' and channel_code = ?' : ''}`,
        params: [input.merchantId, input.payType, ...(input.channelCode ? [input.channelCode] : [])],
      };
}

/** The accounts the report names or may concern, by id. */
export function accountsStatement(input: PaymentReportInput): Statement {
  const where = accountsWhere(input);
  return { sql: `select id, pay_type, account_name from collection_account where ${where.sql} order by id`, params: where.params, returnsRows: true };
}

/** The ids of those accounts as a subquery (for a statement sent in the same trip as accountsStatement). */
export function accountIdsSubquery(input: PaymentReportInput): { sql: string; params: unknown[] } {
  const where = accountsWhere(input);
  return { sql: `select id from collection_account where ${where.sql}`, params: where.params };
}

export function reportedAccounts(rows: Array<Record<string, unknown>>): ReportedAccount[] {
  return rows.map((r) => ({ id: Number(r.id), payType: String(r.pay_type), accountName: r.account_name == null ? null : String(r.account_name) }));
}

/**
 * Stores the report as unmatched, returning its id — or nothing for a duplicate: the unique
 * fingerprint and the unique (merchant, upstream order id) arbitrate, with `on conflict do
 * nothing` because on PostgreSQL a failed insert would abort the request's whole transaction.
 */
export function insertReportStatement(em: EntityManager, input: PaymentReportInput, fingerprint: string, now: Date): Statement {
  return {
    sql: `insert into payment_report (merchant_id, source, fingerprint, upstream_order_id, order_ref, amount, pay_type, channel_code,
            collection_account_id, third_party_account_id, fields, status, received_at)
          values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          on conflict do nothing returning id`,
    params: [
      input.merchantId,
      input.source,
      fingerprint,
      input.upstreamOrderId ?? null,
      input.orderRef ?? null,
      input.amount,
      input.payType,
      input.channelCode ?? null,
      input.collectionAccountId ?? null,
      input.thirdPartyAccountId ?? null,
      JSON.stringify(input.fields),
      PaymentReportStatus.Unmatched,
      dateParam(em, now),
    ],
    returnsRows: true,
  };
}

/** What matching decided for a report: the account it arrived in (when known) and the order it paid, if any. */
export interface ReportVerdict {
  status: PaymentReportStatus;
  reason: string | null;
  collectionAccountId: number | null;
  paid?: { orderId: number; at: Date };
}

/** Records the verdict, returning what the caller is told of it (`verdictFromRow`). */
export function reportVerdictStatement(em: EntityManager, reportId: number, verdict: ReportVerdict): Statement {
  return {
    sql: `update payment_report set status = ?, reason = ?, collection_account_id = ?, pay_in_order_id = ?, matched_at = ? where id = ? returning id, status, collection_account_id`,
    params: [
      verdict.status,
      verdict.reason,
      verdict.collectionAccountId,
      verdict.paid?.orderId ?? null,
      verdict.paid ? dateParam(em, verdict.paid.at) : null,
      reportId,
    ],
    returnsRows: true,
  };
}

/**
 * A report's verdict as the report path answers it: plain values, not a managed entity
 * (mapping the whole row was ~4% of the process's CPU in bench section 3). Whoever needs
 * the whole report reads it (`ReportMatchingService.byId`).
 */
export interface ReportVerdictRow {
  id: number;
  status: PaymentReportStatus;
  collectionAccountId: number | null;
}

/** The verdict from the row its update returned. */
export function verdictFromRow(reportId: number, row: Record<string, unknown> | undefined): ReportVerdictRow {
  if (!row) throw new CoreError('not_found', `no payment report ${reportId}`);
  return {
    id: Number(row.id),
    status: row.status as PaymentReportStatus,
    collectionAccountId: row.collection_account_id == null ? null : Number(row.collection_account_id),
  };
}
