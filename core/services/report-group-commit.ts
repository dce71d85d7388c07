import type { EntityManager } from '@mikro-orm/knex';
import type { CheckedStatement } from '../db/raw-sql.js';
import { inTripTransaction } from '../db/direct-sql.js';
import { databaseKindOfEm } from '../db/kind.js';
import { GroupRefused, type GroupedReport, type PaymentReportInput, type ReportMatchingService, type ReportOutcome } from './report-matching.js';

/** How reports share transactions in one process (REPORT_TRANSACTIONS, REPORT_GROUP_SIZE). */
export interface GroupCommitLimits {
  /** Report transactions open at once; a report arriving while all are busy waits for the next. */
  transactions: number;
  /** Reports one transaction carries at most; 1 turns grouping off. */
  reports: number;
}

interface WaitingReport extends GroupedReport {
  em: EntityManager;
  resolve(outcome: ReportOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit of monitor reports on PostgreSQL. While fewer than `transactions` report
 * transactions are open a report starts its own at once, so a lone report waits for
 * nothing; when all are open, the reports arriving meanwhile go together in the next one
 * (ReportMatchingService.reportGroup: two round trips and one COMMIT for the group instead
 * of per report). A group in which any report is refused (a duplicate, a replay, an account
 * not the merchant's) is rolled back whole, because its writes share one transaction: the
 * others run again as a group, and the refused ones each alone after them, so each gets the
 * answer it would have had alone. A group that fails otherwise (a deadlock, a lost
 * connection) is run again report by report. SQLite has one writer and no round trips:
 * there each report is its own transaction.
 */
export class ReportGroupCommit {
  private readonly waiting: WaitingReport[] = [];
  private open = 0;

  constructor(
    private readonly matching: ReportMatchingService,
    private readonly limits: GroupCommitLimits,
  ) {}

  /** `ReportMatchingService.report` in a transaction it may share with other reports; the outcome once that transaction has committed. */
  async report(em: EntityManager, input: PaymentReportInput, sentFirst: readonly CheckedStatement[]): Promise<ReportOutcome> {
    if (this.limits.reports <= 1 || databaseKindOfEm(em) !== 'postgresql') return this.single(em, input, sentFirst);
    // Refused before it joins anyone: bad fields never cost a group its transaction.
    this.matching.checkReport(input);
    // The report's time is its arrival, not the moment its group starts.
    const timed = { ...input, now: input.now ?? new Date() };
    return new Promise<ReportOutcome>((resolve, reject) => {
      this.waiting.push({ em, input: timed, sentFirst, resolve, reject });
      this.startGroups();
    });
  }

  private startGroups(): void {
    while (this.open < this.limits.transactions && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.limits.reports);
      this.open++;
      void this.commit(group, true).finally(() => {
        this.open--;
        this.startGroups();
      });
    }
  }

  private async commit(group: WaitingReport[], mayRegroup: boolean): Promise<void> {
    if (group.length === 0) return;
    if (group.length === 1) return this.alone(group[0]!);
    try {
      const results = await this.matching.reportGroup(group[0]!.em, group);
      results.forEach((result, i) => ('outcome' in result ? group[i]!.resolve(result.outcome) : group[i]!.reject(result.error)));
    } catch (e) {
      if (mayRegroup && e instanceof GroupRefused) {
        await this.commit(
          group.filter((_, i) => !e.refused.has(i)),
          false,
        );
        for (const [i] of e.refused) await this.alone(group[i]!);
        return;
      }
      for (const report of group) await this.alone(report);
    }
  }

  /** One report, one transaction; on PostgreSQL one of two round trips (inTripTransaction). */
  private single(em: EntityManager, input: PaymentReportInput, sentFirst: readonly CheckedStatement[]): Promise<ReportOutcome> {
    return inTripTransaction(em, (tx) => this.matching.report(tx, input, sentFirst));
  }

  private async alone(report: WaitingReport): Promise<void> {
    try {
      report.resolve(await this.single(report.em, report.input, report.sentFirst));
    } catch (e) {
      report.reject(e);
    }
  }
}
