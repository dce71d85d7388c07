import type { EntityManager } from '@mikro-orm/knex';
import { PaymentReport, PaymentReportStatus } from '../entities/index.js';
import { CoreError } from './errors.js';
import { dateParam } from './ledger.js';
import type { PaymentReportInput } from './report-matching.js';

/**
 * The statements of a monitor report, hand-written because they run on every report
 * (bench/FINDINGS.md): each is one round trip with no ORM query building or change set.
 */

/** A collection account as matching needs it. */
export interface ReportedAccount {
  id: number;
  payType: string;
  accountName: string | null;
}

/** The merchant's collection accounts `where` selects (over `collection_account`), by id. */
export async function selectAccounts(em: EntityManager, where: string, params: unknown[]): Promise<ReportedAccount[]> {
  const rows = await em.execute<Array<{ id: number | string; pay_type: string; account_name: string | null }>>(
    `select id, pay_type, account_name from collection_account where ${where} order by id`,
    params,
  );
  return rows.map((r) => ({ id: Number(r.id), payType: r.pay_type, accountName: r.account_name }));
}

/**
 * Stores the report as unmatched and returns its id. The unique fingerprint and the unique
 * (merchant, upstream order id) arbitrate duplicates — `on conflict do nothing`, because on
 * PostgreSQL a failed insert would abort the request's whole transaction.
 */
export async function insertReport(
  em: EntityManager,
  input: PaymentReportInput,
  fingerprint: string,
  collectionAccountId: number | null,
  now: Date,
): Promise<number> {
  const [row] = await em.execute<Array<{ id: number | string }>>(
    `insert into payment_report (merchant_id, source, fingerprint, upstream_order_id, order_ref, amount, pay_type, channel_code,
       collection_account_id, third_party_account_id, fields, status, received_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict do nothing returning id`,
    [
      input.merchantId,
      input.source,
      fingerprint,
      input.upstreamOrderId ?? null,
      input.orderRef ?? null,
      input.amount,
      input.payType,
      input.channelCode ?? null,
      input.collectionAccountId ?? collectionAccountId,
      input.thirdPartyAccountId ?? null,
      JSON.stringify(input.fields),
      PaymentReportStatus.Unmatched,
      dateParam(em, now),
    ],
  );
  if (!row) throw new CoreError('duplicate', 'this payment was already reported');
  return Number(row.id);
}

/** What matching decided for a report. */
export type ReportVerdict =
  | { status: PaymentReportStatus.Unmatched; reason: string }
  | { status: PaymentReportStatus; reason: null; orderId: number; collectionAccountId: number | null; matchedAt: Date };

/** Records the verdict and returns the report as a managed entity (as the update returned it). */
export async function updateReport(em: EntityManager, reportId: number, verdict: ReportVerdict): Promise<PaymentReport> {
  const matched = 'orderId' in verdict;
  const [row] = await em.execute<Array<Record<string, unknown>>>(
    `update payment_report set status = ?, reason = ?${matched ? ', pay_in_order_id = ?, collection_account_id = ?, matched_at = ?' : ''}
     where id = ? returning *`,
    [
      verdict.status,
      verdict.reason,
      ...(matched ? [verdict.orderId, verdict.collectionAccountId, dateParam(em, verdict.matchedAt)] : []),
      reportId,
    ],
  );
  if (!row) throw new CoreError('not_found', `no payment report ${reportId}`);
  return em.map(PaymentReport, row);
}
