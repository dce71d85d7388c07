import { dateParam, runInOneTrip, type CheckedStatement } from '../db/raw-sql.js';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { ReportReplay } from '../entities/index.js';
import { CoreError } from './errors.js';

/** What makes a signed monitor request fresh: who sent it, its signature and its timestamp. */
export interface ReplayGuard {
  /** `merchant:<id>` or `third:<id>`. */
  caller: string;
  /** As verified, normalised by the face (hex lowercased) so case variants are one signature. */
  signature: string;
  /** The request's `timestamp`, as an instant. */
  timestamp: Date;
}

/**
 * Document 000: a request's `timestamp` must lie within REPORT_TIMESTAMP_WINDOW_SECONDS of
 * the server clock (either side), and a signature seen inside that window is a replay. The
 * seen signatures are rows under a unique constraint, claimed in the transaction of the
 * request's own writes: a refused or failed request leaves no claim behind.
 */
export class ReportReplayService {
  constructor(private readonly config: Config) {}

  private get windowMs(): number {
    return this.config.REPORT_TIMESTAMP_WINDOW_SECONDS * 1000;
  }

  /** Throws `unauthenticated` when the timestamp is outside the window. */
  checkFresh(guard: ReplayGuard, now = new Date()): void {
    if (Math.abs(now.getTime() - guard.timestamp.getTime()) > this.windowMs) {
      throw new CoreError('unauthenticated', 'timestamp is outside the allowed window', { reason: 'stale_timestamp' });
    }
  }

  /** Claims the signature inside the caller's transaction; throws `duplicate` for a replay. */
  async claim(em: EntityManager, guard: ReplayGuard, now = new Date()): Promise<void> {
    const claim = this.claimStatement(em, guard, now);
    const [rows] = await runInOneTrip(em, [claim.statement]);
    claim.verify(rows!);
  }

  /**
   * `claim` as a statement for a round trip of the request's own work (the freshness check
   * is made now): its check refuses a replay before the work's results are looked at, and
   * the transaction's rollback takes back whatever else the trip wrote.
   */
  claimStatement(em: EntityManager, guard: ReplayGuard, now = new Date()): CheckedStatement {
    this.checkFresh(guard, now);
    return {
      // `on conflict do nothing` instead of catching the violation: on PostgreSQL a failed
      // insert would abort the whole transaction of the request.
      statement: {
        sql: 'insert into report_replay (caller, signature, created_at) values (?, ?, ?) on conflict do nothing returning id',
        params: [guard.caller, guard.signature, dateParam(em, now)],
        returnsRows: true,
      },
      verify: (rows) => {
        if (rows.length === 0) throw new CoreError('duplicate', 'this signed request was already received', { reason: 'replay' });
      },
    };
  }

  /**
   * Deletes claims that can no longer matter: a request is accepted at most one window after
   * its timestamp, and its timestamp may be one window ahead of the clock, so two windows
   * (plus a minute of slack) cover every replay the window check would not already refuse.
   */
  async prune(em: EntityManager, now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - 2 * this.windowMs - 60_000);
    return em.nativeDelete(ReportReplay, { createdAt: { $lt: before } });
  }
}
