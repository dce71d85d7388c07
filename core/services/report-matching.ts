import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { PaymentReport, type PaymentReportSource, PaymentReportStatus, PayInStatus } from '../entities/index.js';
import type { Fen } from '../money/fen.js';
import { audit, type Actor } from './audit.js';
import { isMonitorPayType, MONITOR_PAY_TYPES } from './collection-accounts.js';
import { CoreError, isCoreError } from './errors.js';
import { checkPositiveFen, checkRowId, checkText } from './order-input.js';
import { lockedPayIns, lockPayInByPublicId, payableInAccountsStatement, payInByPublicIdStatement, type LockedPayIn } from './payin-rows.js';
import type { PayInService } from './payins.js';
import { inTripTransaction } from '../db/direct-sql.js';
import { databaseKindOfEm } from '../db/kind.js';
import { inTransaction, runInOneTrip, type CheckedStatement, type Rows, type Statement } from '../db/raw-sql.js';
import {
  accountIdsSubquery,
  accountsStatement,
  insertReportStatement,
  insertReportWithVerdictStatement,
  isDuplicateReportViolation,
  reportedAccounts,
  reportVerdictStatement,
  reserveReportStatement,
  verdictFromRow,
  type ReportedAccount,
  type ReportVerdict,
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

/** A report after its first trip: stored, and the order it pays or why it pays none. */
type Decision = { report: StoredReport } & OrderChoice;

/** The writes that record a decision, sent in one trip: `outcome` reads their rows, `abandon` undoes what was reserved when the trip failed. */
interface VerdictWrite {
  statements: Statement[];
  /** The order these writes pay, if they pay one. */
  paysOrder: number | null;
  outcome(rows: Rows[]): ReportOutcome;
  abandon(): void;
}

/** A report of a group committed together (ReportMatchingService.reportGroup). */
export interface GroupedReport {
  /** With `now` set: the report's time is its arrival, not its group's start. */
  input: PaymentReportInput & { now: Date };
  /** The request's own statements for the first trip (its replay claim), as `report` takes them. */
  sentFirst: readonly CheckedStatement[];
}

/** What became of one report of a committed group. */
export type GroupedOutcome = { outcome: ReportOutcome } | { error: unknown };

/**
 * A group was rolled back because some of its reports were refused (by index: the error
 * each would have been answered). The others were refused nothing; nothing was written.
 */
export class GroupRefused extends Error {
  constructor(readonly refused: ReadonlyMap<number, unknown>) {
    super(`${refused.size} report(s) of the group were refused`);
  }
}

/** Orders paid by reports earlier in the same group. */
const NO_ORDER_TAKEN: ReadonlySet<number> = new Set();

/** The statements of a report's first trip, after its caller's (accounts, report insert, candidates). */
const FIRST_TRIP_STATEMENTS = 3;

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
    this.checkReport(input);
    // Inside a caller's transaction (a monitor request) no savepoint: a refusal rolls it all back.
    return inTransaction(em, async (tx) => {
      // One round trip: the caller's statements (its replay claim), the accounts the report
      // may concern, the report stored (or found a duplicate), and its candidate orders locked.
      const fingerprint = reportFingerprint(input.merchantId, input.source, input.identity);
      const results = await runInOneTrip(tx, [...sentFirst.map((c) => c.statement), ...this.firstTripStatements(tx, input, now, fingerprint)]);
      const decision = this.decide(tx, input, fingerprint, sentFirst, results, now, NO_ORDER_TAKEN);
      return this.send(tx, await this.verdictWrite(tx, decision, now, PaymentReportStatus.Matched, true), { last: true });
    });
  }

  /**
   * `report` for several reports in one transaction of two round trips, with one COMMIT
   * (group commit, ReportGroupCommit), on PostgreSQL. The reports are decided in the order
   * given, as if one after another: an order paid by one is not a candidate of those after
   * it (or, named by one of them, is already paid). When any report is refused, the whole
   * transaction is rolled back and `GroupRefused` names them, so that the caller can run
   * the others again without them. Otherwise each report's outcome, once committed.
   */
  async reportGroup(em: EntityManager, reports: readonly GroupedReport[]): Promise<GroupedOutcome[]> {
    return inTripTransaction(em, async (tx) => {
      const fingerprints = reports.map(({ input }) => reportFingerprint(input.merchantId, input.source, input.identity));
      const firstTrip = reports.flatMap(({ input, sentFirst }, i) => [...sentFirst.map((c) => c.statement), ...this.firstTripStatements(tx, input, input.now, fingerprints[i]!)]);
      const results = await runInOneTrip(tx, firstTrip);
      const taken = new Set<number>();
      const refused = new Map<number, unknown>();
      // The same payment twice in one group: neither is stored yet, so the first trip finds
      // neither; the later one is refused here (it runs alone after the group, and is then
      // answered what it is once the first has committed), not by the second trip's insert.
      const inGroup = new Set<string>();
      const writes: VerdictWrite[] = [];
      let at = 0;
      try {
        for (const [i, { input, sentFirst }] of reports.entries()) {
          const rows = results.slice(at, (at += sentFirst.length + FIRST_TRIP_STATEMENTS));
          let decision: Decision;
          try {
            const keys = samePaymentKeys(input, fingerprints[i]!);
            if (keys.some((k) => inGroup.has(k))) throw new CoreError('duplicate', 'this payment was already reported');
            for (const k of keys) inGroup.add(k);
            decision = this.decide(tx, input, fingerprints[i]!, sentFirst, rows, input.now, taken);
          } catch (e) {
            refused.set(i, e);
            continue;
          }
          // Refusals do not depend on what the others pay: once one is found, only the rest are sought.
          if (refused.size > 0) continue;
          const write = await this.verdictWrite(tx, decision, input.now, PaymentReportStatus.Matched, true);
          if (write.paysOrder !== null) taken.add(write.paysOrder);
          writes.push(write);
        }
        if (refused.size > 0) throw new GroupRefused(refused);
      } catch (e) {
        for (const write of writes) write.abandon();
        throw e;
      }
      let written: Rows[];
      try {
        written = await runInOneTrip(
          tx,
          writes.flatMap((w) => w.statements),
          { last: true },
        );
      } catch (e) {
        for (const write of writes) write.abandon();
        throw e;
      }
      // Committed: each report's outcome stands on its own (an error here is that report's alone).
      at = 0;
      return writes.map((write) => {
        const rows = written.slice(at, (at += write.statements.length));
        try {
          return { outcome: write.outcome(rows) };
        } catch (error) {
          return { error };
        }
      });
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
      const stored: StoredReport = {
        id: reportId,
        amount: report.amount,
        upstreamOrderId: report.upstreamOrderId ?? null,
        collectionAccountId: report.collectionAccountId ?? null,
        recordVerdict: (verdict) => reportVerdictStatement(tx, reportId, verdict),
      };
      const result = await this.send(tx, await this.verdictWrite(tx, { report: stored, order }, new Date(), PaymentReportStatus.Attached, false));
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

  /** Throws `invalid_input` for fields no report may have (the faces' schemas refuse them first). */
  checkReport(input: PaymentReportInput): void {
    checkPositiveFen(input.amount, 'amount');
    if (!isMonitorPayType(input.payType)) {
      throw new CoreError('invalid_input', `pay_type must be one of ${MONITOR_PAY_TYPES.join(', ')}`, { field: 'pay_type' });
    }
    if (input.collectionAccountId != null) checkRowId(input.collectionAccountId, 'channel_account_id');
    if (input.channelCode != null) checkText(input.channelCode, 'channel_code', 32);
    if (input.orderRef != null) checkText(input.orderRef, 'order', 64);
    if (input.upstreamOrderId != null) checkText(input.upstreamOrderId, 'upstream order id', 64);
  }

  /**
   * The report's first trip, after its caller's statements: see FIRST_TRIP_STATEMENTS. On
   * PostgreSQL the report's id is reserved and its row written once, with its verdict, in the
   * second trip; SQLite (one writer, no round trips) stores it here and updates it there.
   */
  private firstTripStatements(tx: EntityManager, input: PaymentReportInput, now: Date, fingerprint: string): Statement[] {
    const stored = databaseKindOfEm(tx) === 'postgresql' ? reserveReportStatement(fingerprint) : insertReportStatement(tx, input, fingerprint, now);
    return [accountsStatement(input), stored, this.candidatesStatement(tx, input, now)];
  }

  /**
   * What the first trip's rows say of the report: its caller's checks first (which throw to
   * refuse it), then a duplicate or an unknown account (thrown), else the order it pays or why
   * none. `taken`: orders paid by reports before it in the same transaction.
   */
  private decide(
    tx: EntityManager,
    input: PaymentReportInput,
    fingerprint: string,
    sentFirst: readonly CheckedStatement[],
    results: Rows[],
    now: Date,
    taken: ReadonlySet<number>,
  ): Decision {
    sentFirst.forEach((c, i) => c.verify(results[i]!));
    const [accountRows, storedRows, candidateRows] = results.slice(sentFirst.length);
    const accounts = this.accountsFor(input, reportedAccounts(accountRows!));
    // PostgreSQL: the reserved id and whether the payment is stored; SQLite: the inserted row, none for a duplicate.
    const reserved = databaseKindOfEm(tx) === 'postgresql';
    const stored = storedRows![0];
    if (!stored || (reserved && stored.duplicate === true)) throw new CoreError('duplicate', 'this payment was already reported');
    const id = Number(stored.id);
    const report: StoredReport = {
      id,
      amount: input.amount,
      upstreamOrderId: input.upstreamOrderId ?? null,
      collectionAccountId: input.collectionAccountId ?? (accounts.length === 1 ? accounts[0]!.id : null),
      recordVerdict: reserved
        ? (verdict) => insertReportWithVerdictStatement(tx, { id, input, fingerprint, receivedAt: now }, verdict)
        : (verdict) => reportVerdictStatement(tx, id, verdict),
    };
    // After an earlier report of the transaction paid it, an order is what a report arriving
    // after that commit would find: named, already paid; matched by amount, no candidate.
    const candidates = lockedPayIns(tx, candidateRows!).flatMap((o) => (!taken.has(o.id) ? [o] : input.orderRef ? [{ ...o, status: PayInStatus.Paid }] : []));
    return { report, ...this.chooseOrder(input, accounts, candidates, now) };
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

  /**
   * The writes of a decision: for an order, its settlement and the verdict, in one trip
   * (`committingTrip`: the trip carries the transaction's COMMIT); for none, or an order that
   * turns out already paid or no longer payable, the unmatched verdict.
   */
  private async verdictWrite(tx: EntityManager, decision: Decision, now: Date, status: PaymentReportStatus, committingTrip: boolean): Promise<VerdictWrite> {
    const { report } = decision;
    if ('reason' in decision) return this.unmatchedWrite(tx, report, decision.reason);
    const { order } = decision;
    let settlement: Awaited<ReturnType<PayInService['prepareSettlement']>>;
    try {
      settlement = await this.payins.prepareSettlement(
        tx,
        order,
        {
          amountReceived: report.amount,
          upstreamTradeNo: report.upstreamOrderId ?? `report:${report.id}`,
          source: `report:${report.id}`,
          allowExpiredWithinGrace: true,
          now,
        },
        now,
        { committingTrip },
      );
    } catch (e) {
      if (isCoreError(e, 'conflict')) return this.unmatchedWrite(tx, report, 'order_not_payable');
      throw e;
    }
    if (settlement === 'already_paid') return this.unmatchedWrite(tx, report, 'already_paid');
    const paid = settlement;
    const verdict = report.recordVerdict({ status, reason: null, collectionAccountId: order.collectionAccountId, paid: { orderId: order.id, at: now } });
    return {
      statements: [...paid.statements, verdict],
      paysOrder: order.id,
      abandon: () => paid.abandon(),
      outcome: (rows) => {
        const { callbackHandedOff } = paid.written(rows.slice(0, paid.statements.length));
        return {
          report: verdictFromRow(report.id, rows[paid.statements.length]![0]),
          order: { id: order.id, publicId: order.publicId, collectionAccountId: order.collectionAccountId },
          reason: null,
          callbackHandedOff,
        };
      },
    };
  }

  private unmatchedWrite(tx: EntityManager, report: StoredReport, reason: UnmatchedReason): VerdictWrite {
    const verdict = report.recordVerdict({ status: PaymentReportStatus.Unmatched, reason, collectionAccountId: report.collectionAccountId });
    return {
      statements: [verdict],
      paysOrder: null,
      abandon: () => {},
      outcome: ([rows]) => ({ report: verdictFromRow(report.id, rows![0]), order: null, reason }),
    };
  }

  /** Sends a decision's writes in one trip (`last`: the trip transaction's COMMIT with them). */
  private async send(tx: EntityManager, write: VerdictWrite, trip: { last?: boolean } = {}): Promise<ReportOutcome> {
    let rows: Rows[];
    try {
      rows = await runInOneTrip(tx, write.statements, trip);
    } catch (e) {
      write.abandon();
      // The same payment stored by another transaction since the first trip looked (PostgreSQL).
      if (isDuplicateReportViolation(e)) throw new CoreError('duplicate', 'this payment was already reported');
      throw e;
    }
    return write.outcome(rows);
  }
}

/** What matching needs of a report: stored, or (PostgreSQL) its id reserved and its row written with the verdict. */
interface StoredReport {
  id: number;
  amount: Fen;
  upstreamOrderId: string | null;
  collectionAccountId: number | null;
  /** The statement that records the verdict: the report's insert where its row is not written yet, else its update. */
  recordVerdict(verdict: ReportVerdict): Statement;
}

/** What makes two reports one payment (the unique constraints on payment_report): its fingerprint, and its upstream id per merchant. */
function samePaymentKeys(input: PaymentReportInput, fingerprint: string): string[] {
  return [`f:${fingerprint}`, ...(input.upstreamOrderId ? [`u:${input.merchantId}:${input.upstreamOrderId}`] : [])];
}
