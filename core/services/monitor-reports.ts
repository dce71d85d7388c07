import type { EntityManager } from '@mikro-orm/knex';
import { PaymentReportSource, type ThirdPartyAccount } from '../entities/index.js';
import type { HeartbeatEvent, HeartbeatHandler } from '../ports/index.js';
import type { HeartbeatInput, MonitorClientService } from './monitor-clients.js';
import type { IncomingNotification, NotificationOutcome, NotificationService } from './notifications.js';
import type { ReportGroupCommit } from './report-group-commit.js';
import type { ReplayGuard, ReportReplayService } from './report-replays.js';
import type { PaymentReportInput, ReportOutcome } from './report-matching.js';
import type { ThirdPartyAccountService } from './third-party-accounts.js';

export interface HeartbeatOutcome {
  event: HeartbeatEvent;
  /** Handlers that threw (the heartbeat itself is recorded regardless); the face logs them. */
  handlerFailures: Array<{ handler: string; error: string }>;
}

/** A third-party agent's report: the account it reports for, and the payment. */
export type ThirdPartyReportInput = Omit<PaymentReportInput, 'merchantId' | 'source' | 'thirdPartyAccountId'>;

/**
 * Document 000's five requests as core sees them, once the face has verified the signature.
 * Each runs in one transaction that also claims the request's signature (ReplayGuard), so
 * a stale timestamp, a replay, a duplicate report or an unknown account leaves nothing
 * written, and a request that succeeds cannot be replayed.
 */
export class MonitorReportService {
  constructor(
    private readonly replays: ReportReplayService,
    /** How reports share transactions (group commit on PostgreSQL). */
    private readonly groups: ReportGroupCommit,
    private readonly notificationsService: NotificationService,
    private readonly clients: MonitorClientService,
    private readonly thirdParty: ThirdPartyAccountService,
    private readonly heartbeatHandlers: readonly HeartbeatHandler[],
    private readonly outboxCommitted: () => void,
  ) {}

  /** `/api/report/{pid}/pc`. */
  async reportPayment(em: EntityManager, input: Omit<PaymentReportInput, 'source'>, guard: ReplayGuard): Promise<ReportOutcome> {
    // The replay claim goes in the report's first round trip (ReportMatchingService.report),
    // and on PostgreSQL the BEGIN and COMMIT ride on its first and last (inTripTransaction),
    // in a transaction it may share with other reports (ReportGroupCommit).
    const outcome = await this.groups.report(em, { ...input, source: PaymentReportSource.Pc }, [this.replays.claimStatement(em, guard, input.now)]);
    if (outcome.order && !outcome.callbackHandedOff) this.outboxCommitted();
    return outcome;
  }

  /** `/api/report/{pid}`. */
  async receiveNotification(em: EntityManager, input: IncomingNotification, guard: ReplayGuard): Promise<NotificationOutcome> {
    const outcome = await em.transactional(async (tx) => {
      await this.replays.claim(tx, guard, input.now);
      return this.notificationsService.receive(tx, input);
    });
    if (outcome.report?.order) this.outboxCommitted();
    return outcome;
  }

  /** `/api/report/{pid}/heart`: recorded, then `ext_data` goes to every heartbeat handler. */
  async heartbeat(em: EntityManager, input: HeartbeatInput, guard: ReplayGuard): Promise<HeartbeatOutcome> {
    const event = await em.transactional(async (tx) => {
      await this.replays.claim(tx, guard, input.now);
      return this.clients.heartbeat(tx, input);
    });
    const settled = await Promise.allSettled(this.heartbeatHandlers.map((h) => h.handle(event)));
    const handlerFailures = settled.flatMap((s, i) =>
      s.status === 'rejected' ? [{ handler: this.heartbeatHandlers[i]!.id, error: s.reason instanceof Error ? s.reason.message : String(s.reason) }] : [],
    );
    return { event, handlerFailures };
  }

  /** `/api/report/third-account`: pays the orders of the merchant the account is registered under. */
  async thirdPartyReport(em: EntityManager, account: ThirdPartyAccount, input: ThirdPartyReportInput, guard: ReplayGuard): Promise<ReportOutcome> {
    const outcome = await this.groups.report(
      em,
      { ...input, merchantId: account.merchant.id, source: PaymentReportSource.ThirdAccount, thirdPartyAccountId: account.id },
      [this.replays.claimStatement(em, guard, input.now)],
    );
    if (outcome.order && !outcome.callbackHandedOff) this.outboxCommitted();
    return outcome;
  }

  /** `/api/report/third-account/heart`. */
  async thirdPartyHeartbeat(em: EntityManager, account: ThirdPartyAccount, guard: ReplayGuard, now = new Date()): Promise<void> {
    await em.transactional(async (tx) => {
      await this.replays.claim(tx, guard, now);
      await this.thirdParty.heartbeat(tx, account.id, now);
    });
  }
}
