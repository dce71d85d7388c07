import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { PaymentReport, type PaymentReportSource, PaymentReportStatus } from '../entities/index.js';
import type { Fen } from '../money/fen.js';
import { audit, type Actor } from './audit.js';
import { isMonitorPayType, MONITOR_PAY_TYPES } from './collection-accounts.js';
import { CoreError, isCoreError } from './errors.js';
import { checkPositiveFen, checkText } from './order-input.js';
import { lockedPayIns, lockPayInByPublicId, payableInAccountsStatement, payInByPublicIdStatement, type LockedPayIn } from './payin-rows.js';
import type { PayInService, SettlementWrite } from './payins.js';
import { inTransaction, runInOneTrip, type CheckedStatement, type Statement } from '../db/raw-sql.js';
import {
  accountIdsSubquery,
  accountsStatement,
  insertReportStatement,
  reportedAccounts,
  reportVerdictStatement,
  verdictFromRow,
  type ReportedAccount,
  type ReportVerdictRow,
} from './report-rows.js';

/** A payment a monitor saw arrive, as the face that received it hands it to core. */
export interface PaymentReportInput {
  merchantId: number;
  source: PaymentReportSource;
  amount: Fen;
  payType: string;
  channelCode?: string | null;
  /** Explicit collection account (`channel_account_id`): must be the merchant's, else not_found. */
  collectionAccountId?: number | null;
  /** Account name (`coll_user`, `sub_account`): narrows the accounts when it names one of them. */
  accountName?: string | null;
  /** Last digits of the receiving card (bank SMS): narrows like `accountName`. */
  accountTail?: string | null;
  /** The paymesh order the monitor names (its public id), if any. */
  orderRef?: string | null;
  /** The payment's id upstream (Alipay/WeChat/bank), unique per merchant when given. */
  upstreamOrderId?: string | null;
  thirdPartyAccountId?: number | null;
  /** What makes two reports the same payment (hashed into the unique fingerprint). */
  identity: Record<string, unknown>;
  /** Every field as received, kept for review. */
  fields: Record<string, unknown>;
  now?: Date;
}

/** Why a report matched nothing (stored on the report; shown to reviewers). */
export type UnmatchedReason =
  | 'no_account'
  | 'no_pending_order'
  | 'ambiguous'
  | 'unknown_order'
  | 'not_a_collection_order'
  | 'account_mismatch'
  | 'amount_mismatch'
  | 'already_paid'
  | 'order_not_payable';

/** Which pay-in a report paid. */
export interface PaidOrderRef {
  id: number;
  publicId: string;
  collectionAccountId: number | null;
}

export interface ReportOutcome {
  /** The report's verdict (read the report by id for the rest of it). */
  report: ReportVerdictRow;
  /** The order this report paid, when it paid one (its ids: the caller loads it if it needs more). */
  order: PaidOrderRef | null;
  reason: UnmatchedReason | null;
  /** The paid order's callback is already being attempted by this process (core/outbox/handoff.ts): no relay needs a nudge. */
  callbackHandedOff?: boolean;
}

type OrderChoice = { order: LockedPayIn } | { reason: UnmatchedReason };

/** sha256 over the merchant, the source and the identity fields in key order: equal payments hash equal. */
export function reportFingerprint(merchantId: number, source: string, identity: Record<string, unknown>): string {
  const entries = Object.keys(identity)
    .sort()
    .map((k) => [k, identity[k] == null ? '' : String(identity[k]).trim()]);
  return createHash('sha256').update(JSON.stringify([merchantId, source, entries])).digest('hex');
}

/**
 * Turns monitor reports into paid orders. Each report is stored and, when it identifies
 * exactly one payable order, settles it through `core.payins.settle` — all in one
 * transaction, so the report row, the paid order, the ledger credit and the merchant
 * callback commit together or not at all. A report that matches nothing is kept as
 * `unmatched` for review. The same payment reported twice (same fingerprint, or the same
 * upstream order id) is refused by unique constraints, so it can never pay twice.
 */
export class ReportMatchingService {
  constructor(
    private readonly config: Config,
    private readonly payins: PayInService,
    private readonly outboxCommitted: () => void,
  ) {}

  /**
   * Stores and matches one report inside the caller's transaction (or its own). Throws
   * `duplicate` for a payment already reported, `not_found` for an explicit account that is
   * not the merchant's, `invalid_input` for bad fields. The caller calls
   * `core.outboxCommitted()` after its commit when `order` is set.
   * Hand-written SQL throughout (payin-rows.ts): this is the money path, and each ORM round
   * trip here cost more CPU than the statement itself (bench/FINDINGS.md).
   */
  async report(em: EntityManager, input: PaymentReportInput, sentFirst: readonly CheckedStatement[] = []): Promise<ReportOutcome> {
    const now = input.now ?? new Date();
    this.check(input);
    const fingerprint = reportFingerprint(input.merchantId, input.source, input.identity);
    // Inside a caller's transaction (a monitor request) no savepoint: a refusal rolls it all back.
    return inTransaction(em, async (tx) => {
      // One round trip: the caller's statements (its replay claim), the accounts the report
      // may concern, the report stored (or found a duplicate), and its candidate orders locked.
      const results = await runInOneTrip(tx, [
        ...sentFirst.map((c) => c.statement),
        accountsStatement(input),
        insertReportStatement(tx, input, fingerprint, now),
        this.candidatesStatement(tx, input, now),
      ]);
      sentFirst.forEach((c, i) => c.verify(results[i]!));
      const [accountRows, inserted, candidateRows] = results.slice(sentFirst.length);
      const accounts = this.accountsFor(input, reportedAccounts(accountRows!));
      if (!inserted![0]) throw new CoreError('duplicate', 'this payment was already reported');
      const report: StoredReport = {
        id: Number(inserted![0].id),
        amount: input.amount,
        upstreamOrderId: input.upstreamOrderId ?? null,
        collectionAccountId: input.collectionAccountId ?? (accounts.length === 1 ? accounts[0]!.id : null),
      };
      const choice = this.chooseOrder(input, accounts, lockedPayIns(tx, candidateRows!), now);
      if ('reason' in choice) return this.unmatched(tx, report, choice.reason);
      return this.pay(tx, report, choice.order, now, PaymentReportStatus.Matched);
    });
  }

  /**
   * Review: attaches an unmatched report to an order and pays it (if it is still payable:
   * pending, or expired within the late-report grace).
   */
  async attach(em: EntityManager, merchantId: number, reportId: number, orderPublicId: string, actor: Actor): Promise<ReportOutcome> {
    const outcome = await em.transactional(async (tx) => {
      const report = await tx.findOne(PaymentReport, { id: reportId, merchant: merchantId });
      if (!report) throw new CoreError('not_found', `no payment report ${reportId}`);
      if (report.status !== PaymentReportStatus.Unmatched) throw new CoreError('conflict', `payment report ${reportId} is already ${report.status}`);
      const order = await lockPayInByPublicId(tx, orderPublicId, merchantId);
      if (!order) throw new CoreError('not_found', `no pay-in ${orderPublicId}`);
      const stored = { id: reportId, amount: report.amount, upstreamOrderId: report.upstreamOrderId ?? null, collectionAccountId: report.collectionAccountId ?? null };
      const result = await this.pay(tx, stored, order, new Date(), PaymentReportStatus.Attached);
      if (!result.order) throw new CoreError('conflict', `pay-in ${orderPublicId} cannot be paid (${result.reason})`);
      audit(tx, actor, 'payment_report.attach', { type: 'payment_report', id: reportId }, { order: orderPublicId });
      await tx.flush();
      return result;
    });
    this.outboxCommitted();
    return outcome;
  }

  async listUnmatched(em: EntityManager, merchantId: number, limit = 100): Promise<PaymentReport[]> {
    return em.find(PaymentReport, { merchant: merchantId, status: PaymentReportStatus.Unmatched }, { orderBy: { id: 'desc' }, limit });
  }

  async byId(em: EntityManager, merchantId: number, id: number): Promise<PaymentReport | null> {
    return em.findOne(PaymentReport, { id, merchant: merchantId }, { populate: ['payInOrder'] });
  }

  private check(input: PaymentReportInput): void {
    checkPositiveFen(input.amount, 'amount');
    if (!isMonitorPayType(input.payType)) {
      throw new CoreError('invalid_input', `pay_type must be one of ${MONITOR_PAY_TYPES.join(', ')}`, { field: 'pay_type' });
    }
    if (input.channelCode != null) checkText(input.channelCode, 'channel_code', 32);
    if (input.orderRef != null) checkText(input.orderRef, 'order', 64);
    if (input.upstreamOrderId != null) checkText(input.upstreamOrderId, 'upstream order id', 64);
  }

  /** The collection accounts the payment may have arrived in, of those the query found. */
  private accountsFor(input: PaymentReportInput, found: ReportedAccount[]): ReportedAccount[] {
    if (input.collectionAccountId != null) {
      const [account] = found;
      if (!account) throw new CoreError('not_found', `no collection account ${input.collectionAccountId} for this merchant`, { field: 'channel_account_id' });
      if (account.payType !== input.payType) {
        throw new CoreError('invalid_input', `collection account ${account.id} collects ${account.payType}, not ${input.payType}`, { field: 'pay_type' });
      }
      return [account];
    }
    const byName = input.accountName ? found.filter((a) => a.accountName === input.accountName) : [];
    if (byName.length > 0) return byName;
    const byTail = input.accountTail ? found.filter((a) => a.accountName?.endsWith(input.accountTail!)) : [];
    return byTail.length > 0 ? byTail : found;
  }

  /**
   * Locks the orders the report may be for, in the same trip as the accounts query, so
   * before the accounts are narrowed (by name or card tail): the order it names, or the
   * payable orders of its amount in every account the query finds. A same-amount order in
   * an account the narrowing then drops is locked until the commit and left as it was.
   */
  private candidatesStatement(em: EntityManager, input: PaymentReportInput, now: Date): Statement {
    if (input.orderRef) return payInByPublicIdStatement(em, input.orderRef, input.merchantId);
    const graceMs = this.config.REPORT_EXPIRED_GRACE_SECONDS * 1000;
    return payableInAccountsStatement(em, {
      merchantId: input.merchantId,
      payableAmount: input.amount,
      accounts: accountIdsSubquery(input),
      since: new Date(now.getTime() - graceMs),
      includeExpired: graceMs > 0,
    });
  }

  /** The one order the payment is for, among the locked candidates, or why there is none. */
  private chooseOrder(input: PaymentReportInput, accounts: ReportedAccount[], candidates: LockedPayIn[], now: Date): OrderChoice {
    const accountIds = accounts.map((a) => a.id);
    if (input.orderRef) {
      const [order] = candidates;
      if (!order) return { reason: 'unknown_order' };
      if (order.collectionAccountId == null) return { reason: 'not_a_collection_order' };
      if (!accountIds.includes(order.collectionAccountId)) return { reason: 'account_mismatch' };
      if (order.payableAmount !== input.amount) return { reason: 'amount_mismatch' };
      return { order };
    }
    if (accountIds.length === 0) return { reason: 'no_account' };
    const payable = candidates.filter((o) => o.collectionAccountId !== null && accountIds.includes(o.collectionAccountId));
    // An order still open is the better explanation than one that expired during the grace.
    const open = payable.filter((o) => o.expiresAt.getTime() > now.getTime());
    const pick = open.length > 0 ? open : payable;
    if (pick.length === 0) return { reason: 'no_pending_order' };
    if (pick.length > 1) return { reason: 'ambiguous' };
    return { order: pick[0]! };
  }

  /** Settles the order and records the verdict in the same round trip as the payment's writes. */
  private async pay(em: EntityManager, report: StoredReport, order: LockedPayIn, now: Date, status: PaymentReportStatus): Promise<ReportOutcome> {
    const verdict = reportVerdictStatement(em, report.id, {
      status,
      reason: null,
      collectionAccountId: order.collectionAccountId,
      paid: { orderId: order.id, at: now },
    });
    let settled: SettlementWrite;
    try {
      settled = await this.payins.writeSettlement(
        em,
        order,
        {
          amountReceived: report.amount,
          upstreamTradeNo: report.upstreamOrderId ?? `report:${report.id}`,
          source: `report:${report.id}`,
          allowExpiredWithinGrace: true,
          now,
        },
        now,
        [verdict],
        { last: true },
      );
    } catch (e) {
      if (isCoreError(e, 'conflict')) return this.unmatched(em, report, 'order_not_payable');
      throw e;
    }
    if (settled.outcome === 'already_paid') return this.unmatched(em, report, 'already_paid');
    return {
      report: verdictFromRow(report.id, settled.written[0]![0]),
      order: { id: order.id, publicId: order.publicId, collectionAccountId: order.collectionAccountId },
      reason: null,
      callbackHandedOff: settled.callbackHandedOff,
    };
  }

  private async unmatched(em: EntityManager, report: StoredReport, reason: UnmatchedReason): Promise<ReportOutcome> {
    const [rows] = await runInOneTrip(
      em,
      [reportVerdictStatement(em, report.id, { status: PaymentReportStatus.Unmatched, reason, collectionAccountId: report.collectionAccountId })],
      { last: true },
    );
    return { report: verdictFromRow(report.id, rows![0]), order: null, reason };
  }
}

/** What matching needs of a report already stored. */
interface StoredReport {
  id: number;
  amount: Fen;
  upstreamOrderId: string | null;
  collectionAccountId: number | null;
}
