import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import {
  CollectionAccount,
  Merchant,
  PaymentReport,
  type PaymentReportSource,
  PaymentReportStatus,
  PayInOrder,
  ThirdPartyAccount,
} from '../entities/index.js';
import type { Fen } from '../money/fen.js';
import { audit, type Actor } from './audit.js';
import { isMonitorPayType, MONITOR_PAY_TYPES } from './collection-accounts.js';
import { CoreError, isCoreError, isUniqueViolation } from './errors.js';
import { checkPositiveFen, checkText } from './order-input.js';
import type { PayInService } from './payins.js';

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

export interface ReportOutcome {
  report: PaymentReport;
  /** The order this report paid, when it paid one. */
  order: PayInOrder | null;
  reason: UnmatchedReason | null;
}

type OrderChoice = { order: PayInOrder } | { reason: UnmatchedReason };

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
   */
  async report(em: EntityManager, input: PaymentReportInput): Promise<ReportOutcome> {
    const now = input.now ?? new Date();
    this.check(input);
    const fingerprint = reportFingerprint(input.merchantId, input.source, input.identity);
    return em.transactional(async (tx) => {
      const accounts = await this.accountsFor(tx, input);
      const seen = await tx.count(PaymentReport, {
        $or: [{ fingerprint }, ...(input.upstreamOrderId ? [{ merchant: input.merchantId, upstreamOrderId: input.upstreamOrderId }] : [])],
      });
      if (seen > 0) throw new CoreError('duplicate', 'this payment was already reported');
      const report = tx.create(PaymentReport, {
        merchant: tx.getReference(Merchant, input.merchantId),
        source: input.source,
        fingerprint,
        upstreamOrderId: input.upstreamOrderId ?? null,
        orderRef: input.orderRef ?? null,
        amount: input.amount,
        payType: input.payType,
        channelCode: input.channelCode ?? null,
        collectionAccountId: input.collectionAccountId ?? (accounts.length === 1 ? accounts[0]!.id : null),
        thirdPartyAccount: input.thirdPartyAccountId ? tx.getReference(ThirdPartyAccount, input.thirdPartyAccountId) : null,
        fields: input.fields,
        status: PaymentReportStatus.Unmatched,
        receivedAt: now,
      });
      try {
        await tx.flush();
      } catch (e) {
        // A concurrent twin won the unique fingerprint / upstream id.
        if (isUniqueViolation(e)) throw new CoreError('duplicate', 'this payment was already reported');
        throw e;
      }
      const choice = await this.chooseOrder(tx, input, accounts, now);
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
      const order = await tx.findOne(PayInOrder, { publicId: orderPublicId, merchant: merchantId });
      if (!order) throw new CoreError('not_found', `no pay-in ${orderPublicId}`);
      const result = await this.pay(tx, report, order, new Date(), PaymentReportStatus.Attached);
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

  /** The collection accounts the payment may have arrived in. */
  private async accountsFor(em: EntityManager, input: PaymentReportInput): Promise<CollectionAccount[]> {
    if (input.collectionAccountId != null) {
      const account = await em.findOne(CollectionAccount, { id: input.collectionAccountId, merchant: input.merchantId });
      if (!account) throw new CoreError('not_found', `no collection account ${input.collectionAccountId} for this merchant`, { field: 'channel_account_id' });
      if (account.payType !== input.payType) {
        throw new CoreError('invalid_input', `collection account ${account.id} collects ${account.payType}, not ${input.payType}`, { field: 'pay_type' });
      }
      return [account];
    }
    const accounts = await em.find(
      CollectionAccount,
      { merchant: input.merchantId, payType: input.payType, ...(input.channelCode ? { channelCode: input.channelCode } : {}) },
      { orderBy: { id: 'asc' } },
    );
    const byName = input.accountName ? accounts.filter((a) => a.accountName === input.accountName) : [];
    if (byName.length > 0) return byName;
    const byTail = input.accountTail ? accounts.filter((a) => a.accountName?.endsWith(input.accountTail!)) : [];
    return byTail.length > 0 ? byTail : accounts;
  }

  private async chooseOrder(em: EntityManager, input: PaymentReportInput, accounts: CollectionAccount[], now: Date): Promise<OrderChoice> {
    const accountIds = new Set(accounts.map((a) => a.id));
    if (input.orderRef) {
      const order = await em.findOne(PayInOrder, { publicId: input.orderRef, merchant: input.merchantId });
      if (!order) return { reason: 'unknown_order' };
      if (order.collectionAccountId == null) return { reason: 'not_a_collection_order' };
      if (!accountIds.has(order.collectionAccountId)) return { reason: 'account_mismatch' };
      if (order.payableAmount !== input.amount) return { reason: 'amount_mismatch' };
      return { order };
    }
    if (accountIds.size === 0) return { reason: 'no_account' };
    const payable = (
      await this.payins.findPayable(em, {
        merchantId: input.merchantId,
        payableAmount: input.amount,
        includeExpiredWithinGrace: this.config.REPORT_EXPIRED_GRACE_SECONDS > 0,
        now,
      })
    ).filter((o) => o.collectionAccountId != null && accountIds.has(o.collectionAccountId));
    // An order still open is the better explanation than one that expired during the grace.
    const open = payable.filter((o) => o.expiresAt.getTime() > now.getTime());
    const pick = open.length > 0 ? open : payable;
    if (pick.length === 0) return { reason: 'no_pending_order' };
    if (pick.length > 1) return { reason: 'ambiguous' };
    return { order: pick[0]! };
  }

  private async pay(em: EntityManager, report: PaymentReport, order: PayInOrder, now: Date, status: PaymentReportStatus): Promise<ReportOutcome> {
    let outcome: 'paid' | 'already_paid';
    try {
      const settled = await this.payins.settle(em, order.publicId, {
        amountReceived: report.amount,
        upstreamTradeNo: report.upstreamOrderId ?? `report:${report.id}`,
        source: `report:${report.id}`,
        allowExpiredWithinGrace: true,
        now,
      });
      outcome = settled.outcome;
    } catch (e) {
      if (isCoreError(e, 'conflict')) return this.unmatched(em, report, 'order_not_payable');
      throw e;
    }
    if (outcome === 'already_paid') return this.unmatched(em, report, 'already_paid');
    report.status = status;
    report.reason = null;
    report.payInOrder = em.getReference(PayInOrder, order.id);
    report.collectionAccountId = order.collectionAccountId ?? null;
    report.matchedAt = now;
    await em.flush();
    return { report, order, reason: null };
  }

  private async unmatched(em: EntityManager, report: PaymentReport, reason: UnmatchedReason): Promise<ReportOutcome> {
    report.status = PaymentReportStatus.Unmatched;
    report.reason = reason;
    await em.flush();
    return { report, order: null, reason };
  }
}
