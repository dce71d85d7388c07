import type { EntityManager } from '@mikro-orm/knex';
import { databaseKindOfEm } from '../core/db/kind.js';
import { dateParam, type Statement } from '../core/db/raw-sql.js';
import { DELIVERY_TO_ATTEMPT_COLUMNS } from '../core/services/callback-service.js';

/**
 * The relay's questions to the outbox, each answered by a walk of one of the outbox's
 * partial indexes (core/entities/outbox-message.ts), so a pass costs what it returns: not
 * the outbox's history (completed rows are kept) and not a backlog of callbacks waiting for
 * room. Both used to read every unrelayed row and sort them, on every pass: a burst of
 * 20,000 owed callbacks cost ~8 ms of PostgreSQL per pass (bench/FINDINGS.md).
 * The topic is a literal, so that both databases' planners can match the indexes.
 */

/** A callback whose (first) attempt is due: the relay attempts it itself when it can. */
const DUE_CALLBACK = "relayed_at is null and topic = 'callbacks' and (run_at is null or run_at <= ?)";

/**
 * Claims the oldest callbacks due now, up to `room`, for their first attempt in this
 * process (`burst`: the last claim came back full). The claim is one conditional UPDATE, so
 * two relays never attempt the same row; its `run_at` (now + `lockMs`) is when the sweep
 * may hand a claim whose process died to BullMQ. On PostgreSQL the same statement reads the
 * claimed deliveries.
 */
export function claimDueCallbacks(em: EntityManager, now: Date, room: number, lockMs: number, options: { burst?: boolean } = {}): Statement {
  const claimedAt = dateParam(em, now);
  const lockedUntil = dateParam(em, new Date(now.getTime() + lockMs));
  if (databaseKindOfEm(em) === 'postgresql') {
    // A materialized CTE, because an `IN (… limit n for update skip locked)` subquery may
    // be rescanned per row and claim more than n. The update finds the picked rows by their
    // physical address (a TID scan, stable while the pick holds their locks): joined by id,
    // a generic plan with a table's stats still those of a new database (or sizing `limit ?`
    // as a tenth of the table) scanned the whole outbox per claim.
    return {
      sql: `with picked as materialized (select ctid, id from outbox_message where ${DUE_CALLBACK} order by created_at, id limit ? for update skip locked),
            claimed as (update outbox_message o set relayed_at = ?, run_at = ? where o.ctid = any(array(select ctid from picked)) returning o.id)
            select claimed.id as claimed_id, ${DELIVERY_TO_ATTEMPT_COLUMNS} from claimed left join callback_delivery d on d.id = claimed.id`,
      params: [claimedAt, room, claimedAt, lockedUntil],
      returnsRows: true,
      // While a burst is worked off, planned with its values: a kept plan made while the
      // outbox was small (a new database, before autovacuum's first ANALYZE) scanned all of
      // it per claim even so, 4.6 ms a claim of ~70 rows in a burst of 20,000, 1.5 ms planned
      // afresh. Claims of the trickle of single payments keep their plan: planning (~0.2 ms)
      // would cost more than the claim of one row.
      planEachTime: options.burst === true,
    };
  }
  return {
    sql: `update outbox_message set relayed_at = ?, run_at = ?
          where id in (select id from outbox_message where ${DUE_CALLBACK} order by created_at, id limit ?) returning id as claimed_id`,
    params: [claimedAt, lockedUntil, claimedAt, room],
    returnsRows: true,
  };
}

/**
 * The oldest rows that become BullMQ jobs, at most `batch`: every topic but callbacks, and
 * the callbacks this process does not claim for a first attempt (all of them without first
 * attempts; with them, only those released to a later time, soonest first — ordered by
 * creation, PostgreSQL's generic plan walked every due callback to find them).
 */
export function rowsToEnqueue(em: EntityManager, now: Date, options: { firstAttempts: boolean; batch: number }): Statement {
  const columns = 'id, topic, payload, run_at, created_at';
  const callbacks = options.firstAttempts
    ? { where: "relayed_at is null and topic = 'callbacks' and run_at > ?", order: 'run_at', params: [dateParam(em, now)] }
    : { where: "relayed_at is null and topic = 'callbacks'", order: 'created_at, id', params: [] };
  return {
    sql: `select ${columns} from (select ${columns} from outbox_message where relayed_at is null and topic <> 'callbacks' order by created_at, id limit ?) jobs
          union all
          select ${columns} from (select ${columns} from outbox_message where ${callbacks.where} order by ${callbacks.order} limit ?) callbacks
          order by created_at, id limit ?`,
    params: [options.batch, ...callbacks.params, options.batch, options.batch],
    returnsRows: true,
  };
}
