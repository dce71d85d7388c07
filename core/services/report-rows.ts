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

/** A report row's columns, in the order `reportRow` gives their values. */
const REPORT_COLUMNS = [
  'merchant_id',
  'source',
  'fingerprint',
  'upstream_order_id',
  'order_ref',
  'amount',
  'pay_type',
  'channel_code',
  'collection_account_id',
  'third_party_account_id',
  'fields',
  'status',
  'reason',
  'pay_in_order_id',
  'received_at',
  'matched_at',
].join(', ');
const REPORT_PLACEHOLDERS = REPORT_COLUMNS.split(', ').map(() => '?').join(', ');
const INSERT_UNMATCHED_SQL = `insert into payment_report (${REPORT_COLUMNS}) values (${REPORT_PLACEHOLDERS}) on conflict do nothing returning id`;
const INSERT_WITH_VERDICT_SQL = `insert into payment_report (id, ${REPORT_COLUMNS}) values (?, ${REPORT_PLACEHOLDERS}) returning id, status, collection_account_id`;

/** The values of a report's row (REPORT_COLUMNS): what the monitor sent, and the verdict (unmatched until matching decides). */
function reportRow(em: EntityManager, input: PaymentReportInput, fingerprint: string, receivedAt: Date, verdict: ReportVerdict): unknown[] {
  return [
    input.merchantId,
    input.source,
    fingerprint,
    input.upstreamOrderId ?? null,
    input.orderRef ?? null,
    input.amount,
    input.payType,
    input.channelCode ?? null,
    verdict.collectionAccountId,
    input.thirdPartyAccountId ?? null,
    JSON.stringify(input.fields),
    verdict.status,
    verdict.reason,
    verdict.paid?.orderId ?? null,
    dateParam(em, receivedAt),
    verdict.paid ? dateParam(em, verdict.paid.at) : null,
  ];
}

/**
 * SQLite's first step for a report: stores it as unmatched, returning its id — or nothing
 * for a duplicate (the unique fingerprint and the unique (merchant, upstream order id)
 * arbitrate). Its verdict is then written on it (`reportVerdictStatement`).
 */
export function insertReportStatement(em: EntityManager, input: PaymentReportInput, fingerprint: string, now: Date): Statement {
  return {
    sql: INSERT_UNMATCHED_SQL,
    params: reportRow(em, input, fingerprint, now, { status: PaymentReportStatus.Unmatched, reason: null, collectionAccountId: input.collectionAccountId ?? null }),
    returnsRows: true,
  };
}

/**
 * PostgreSQL's first trip for a report (the row itself is written once, with its verdict, in
 * the second: `insertReportWithVerdictStatement`): the report's id, taken from its sequence,
 * and whether a report with its fingerprint is already stored. The unique fingerprint is
 * the only index that lookup can use, whatever the table's statistics. A twin that differs
 * in fingerprint but names the same upstream order id, and a twin in flight in another
 * transaction, are refused by the unique constraints at the insert, which
 * `isDuplicateReportViolation` tells apart. (Looking the upstream id up here too made a plan
 * that, on a table not analyzed yet, walked all of the merchant's reports through the
 * (merchant, status) index: 0.5 ms a report in bench section 2.)
 */
export function reserveReportStatement(fingerprint: string): Statement {
  return {
    sql: `select nextval('payment_report_id_seq')::int as id, exists (select 1 from payment_report where fingerprint = ?) as duplicate`,
    params: [fingerprint],
    returnsRows: true,
  };
}

/** The report stored at once with its verdict, under the id its first trip reserved; returns what `verdictFromRow` reads. */
export function insertReportWithVerdictStatement(
  em: EntityManager,
  report: { id: number; input: PaymentReportInput; fingerprint: string; receivedAt: Date },
  verdict: ReportVerdict,
): Statement {
  return {
    sql: INSERT_WITH_VERDICT_SQL,
    params: [report.id, ...reportRow(em, report.input, report.fingerprint, report.receivedAt, verdict)],
    returnsRows: true,
  };
}

/** The unique constraints that make two reports of one payment one: a violation of either is a duplicate. */
const SAME_PAYMENT_CONSTRAINTS = new Set(['payment_report_fingerprint_unique', 'payment_report_merchant_id_upstream_order_id_unique']);

/** Whether `e` is PostgreSQL refusing a report's insert because the same payment was stored meanwhile. */
export function isDuplicateReportViolation(e: unknown): boolean {
  const { code, constraint } = (e ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' && SAME_PAYMENT_CONSTRAINTS.has(constraint);
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
