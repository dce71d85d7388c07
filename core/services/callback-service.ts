import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { CallbackAttempt, CallbackDelivery, CallbackStatus } from '../entities/index.js';
import { audit, type Actor } from './audit.js';
import { delayAfterAttempt, isCallbackProfileName, type CallbackProfile } from './callback-profiles.js';
import { oweCallback } from './callbacks.js';
import { CoreError, isUniqueViolation } from './errors.js';
import { databaseKindOfEm } from '../db/kind.js';
import { pgArray, type PgArrayElement } from '../db/pg-array.js';
import { dateParam, placeholders, readDate, runInOneTrip } from '../db/raw-sql.js';

/** What one attempt produced, as the delivery worker observed it. */
export interface AttemptOutcome {
  startedAt: Date;
  latencyMs: number;
  httpStatus: number | null;
  reply: string;
  /** The reply was longer than the worker reads; such a reply is never an acknowledgement. */
  replyTruncated: boolean;
  error: string | null;
}

/** One attempt to record: the delivery, its attempt number, its profile (null: unknown to this build) and what happened. */
export interface AttemptToRecord {
  deliveryId: string;
  number: number;
  profile: CallbackProfile | null;
  outcome: AttemptOutcome;
}

export type AttemptVerdict =
  | { kind: 'recorded'; status: CallbackStatus; nextAttemptAt: Date | null }
  /** Another run of the same job recorded this attempt number first; this result was dropped. */
  | { kind: 'superseded' };

/** What the delivery worker reads of a delivery to make its next attempt. */
export interface DeliveryToAttempt {
  id: string;
  profile: string;
  url: string;
  contentType: string;
  body: string;
  status: CallbackStatus;
  attemptCount: number;
  nextAttemptAt: Date | null;
}

/** The columns of `callback_delivery d` a DeliveryToAttempt is read from (deliveryToAttemptFromRow). */
export const DELIVERY_TO_ATTEMPT_COLUMNS = 'd.id, d.profile, d.url, d.content_type, d.body, d.status, d.attempt_count, d.next_attempt_at';

/** A DeliveryToAttempt from a raw row of DELIVERY_TO_ATTEMPT_COLUMNS. */
export function deliveryToAttemptFromRow(em: EntityManager, r: Record<string, unknown>): DeliveryToAttempt {
  return {
    id: String(r.id),
    profile: String(r.profile),
    url: String(r.url),
    contentType: String(r.content_type),
    body: String(r.body),
    status: r.status as CallbackStatus,
    attemptCount: Number(r.attempt_count),
    nextAttemptAt: r.next_attempt_at == null ? null : readDate(em, r.next_attempt_at),
  };
}

export const REPLY_SNIPPET_CHARS = 256;
const ERROR_CHARS = 255;

/**
 * Callback deliveries: recording attempts (the delivery worker), and reading and resending
 * them (CLI `callback resend`, GraphQL, and dialects that must know whether their caller
 * was told, e.g. 002 "the operator was never told" = status `given_up`).
 */
export class CallbackService {
  constructor(
    private readonly config: Config,
    /** Nudges the outbox relay after a commit that owed work. */
    private readonly outboxCommitted: () => void,
  ) {}

  async byId(em: EntityManager, id: string): Promise<CallbackDelivery | null> {
    return em.findOne(CallbackDelivery, { id });
  }

  /**
   * The deliveries with these ids that exist, by id: one statement of only the columns an
   * attempt needs, without entity hydration (the delivery worker reads a batch per tick).
   */
  async deliveriesToAttempt(em: EntityManager, ids: readonly string[]): Promise<Map<string, DeliveryToAttempt>> {
    if (ids.length === 0) return new Map();
    const [rows] = await runInOneTrip(em, [
      { sql: `select ${DELIVERY_TO_ATTEMPT_COLUMNS} from callback_delivery d where id in (${placeholders(ids)})`, params: [...ids], returnsRows: true },
    ]);
    return new Map(rows!.map((r) => [String(r.id), deliveryToAttemptFromRow(em, r)]));
  }

  async listAttempts(em: EntityManager, deliveryId: string): Promise<CallbackAttempt[]> {
    return em.find(CallbackAttempt, { delivery: deliveryId }, { orderBy: { number: 'asc' } });
  }

  /** Every delivery owed for one subject (e.g. `{ type: 'recharge', id }`), newest first. */
  async forSubject(em: EntityManager, subject: { type: string; id: string | number }): Promise<CallbackDelivery[]> {
    return em.find(
      CallbackDelivery,
      { subjectType: subject.type, subjectId: String(subject.id) },
      { orderBy: { createdAt: 'desc', id: 'desc' } },
    );
  }

  /**
   * Sends a callback again as a NEW delivery with the same profile, URL and frozen body
   * (so the receiver gets the same bytes, and the original keeps its own attempt history),
   * audited. Allowed in any state: a pending original keeps its own schedule.
   */
  async resend(em: EntityManager, deliveryId: string, actor: Actor): Promise<CallbackDelivery> {
    const fresh = await em.transactional(async (tx) => {
      const original = await tx.findOne(CallbackDelivery, { id: deliveryId });
      if (!original) throw new CoreError('not_found', `no callback delivery ${deliveryId}`);
      if (!isCallbackProfileName(original.profile)) {
        throw new CoreError('conflict', `callback delivery ${deliveryId} has unknown profile "${original.profile}"`);
      }
      const copyId = await oweCallback(tx, {
        profile: original.profile,
        merchantId: original.merchant?.id ?? null,
        subject: { type: original.subjectType, id: original.subjectId },
        url: original.url,
        contentType: original.contentType,
        body: original.body,
      });
      audit(tx, actor, 'callback.resend', { type: 'callback_delivery', id: copyId }, {
        resendOf: original.id,
        originalStatus: original.status,
        subjectType: original.subjectType,
        subjectId: original.subjectId,
      });
      return tx.findOneOrFail(CallbackDelivery, { id: copyId });
    });
    this.outboxCommitted();
    return fresh;
  }

  /**
   * Records attempt `number` and moves the delivery on, in one transaction: delivered,
   * given up (both complete the outbox row) or pending with its next attempt time. A
   * conditional update on `attemptCount` (and the unique (delivery, number) constraint
   * behind it) make a second run of the same job unable to record the same attempt twice.
   * `profile` null (a name this build does not know) gives up at once.
   */
  async recordAttempt(em: EntityManager, input: AttemptToRecord): Promise<AttemptVerdict> {
    try {
      const [verdict] = await this.recordAttempts(em, [input]);
      return verdict!;
    } catch (e) {
      if (isUniqueViolation(e)) return { kind: 'superseded' };
      throw e;
    }
  }

  /**
   * `recordAttempt` for many attempts in ONE transaction of a few hand-written statements
   * (the delivery worker's group commit): one conditional update per distinct outcome, one
   * multi-row insert of the attempts that moved their delivery, one or two outbox updates.
   * An attempt whose number is no longer the next one (another run recorded it, even in
   * this same batch) is `superseded` without failing the others. Verdicts are in input order.
   */
  async recordAttempts(em: EntityManager, inputs: AttemptToRecord[]): Promise<AttemptVerdict[]> {
    const now = new Date();
    const judged = inputs.map((input) => ({ input, ...this.judge(input, now) }));
    if (databaseKindOfEm(em) === 'postgresql') return recordInOneStatement(em, judged, now);
    return em.transactional(async (tx) => {
      const recorded = new Set<number>();
      for (const group of groupBy(judged.keys(), (i) => `${judged[i]!.status}|${judged[i]!.nextAttemptAt?.getTime() ?? ''}`)) {
        const { status, nextAttemptAt } = judged[group[0]!]!;
        // Moving the delivery first: an attempt row is written only for an attempt that moved it.
        const moved = await tx.execute<Array<{ id: string; attempt_count: number | string }>>(
          `update callback_delivery set attempt_count = attempt_count + 1, status = ?, next_attempt_at = ?, delivered_at = ?
           where status = ? and (${group.map(() => '(id = ? and attempt_count = ?)').join(' or ')})
           returning id, attempt_count`,
          [
            status,
            nextAttemptAt && dateParam(tx, nextAttemptAt),
            status === CallbackStatus.Delivered ? dateParam(tx, now) : null,
            CallbackStatus.Pending,
            ...group.flatMap((i) => [judged[i]!.input.deliveryId, judged[i]!.input.number - 1]),
          ],
        );
        const movedTo = new Set(moved.map((r) => `${r.id}#${Number(r.attempt_count)}`));
        for (const i of group) {
          // A row moves once: a second input for the same attempt of it is superseded.
          if (movedTo.delete(`${judged[i]!.input.deliveryId}#${judged[i]!.input.number}`)) recorded.add(i);
        }
      }
      const winners = judged.filter((_, i) => recorded.has(i));
      if (winners.length > 0) {
        await tx.execute(
          `insert into callback_attempt (delivery_id, number, started_at, http_status, latency_ms, reply_snippet, error, success)
           values ${winners.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          winners.flatMap(({ input: { deliveryId, number, outcome }, success }) => [deliveryId, number, ...attemptColumns(tx, outcome), success]),
          'run',
        );
        const finished = winners.filter((w) => w.status !== CallbackStatus.Pending).map((w) => w.input.deliveryId);
        if (finished.length > 0) {
          await tx.execute(
            `update outbox_message set completed_at = ? where completed_at is null and id in (${placeholders(finished)})`,
            [dateParam(tx, now), ...finished],
            'run',
          );
        }
        // Keeps the relay's sweep honest: a job lost from Redis is re-added with this delay.
        const retrying = winners.filter((w) => w.status === CallbackStatus.Pending);
        for (const group of groupBy(retrying.keys(), (i) => retrying[i]!.nextAttemptAt!.getTime())) {
          const ids = group.map((i) => retrying[i]!.input.deliveryId);
          const runAt = dateParam(tx, retrying[group[0]!]!.nextAttemptAt!);
          await tx.execute(`update outbox_message set run_at = ? where id in (${placeholders(ids)})`, [runAt, ...ids], 'run');
        }
      }
      return judged.map(({ status, nextAttemptAt }, i): AttemptVerdict => (recorded.has(i) ? { kind: 'recorded', status, nextAttemptAt } : { kind: 'superseded' }));
    });
  }

  /** What an attempt means for its delivery, were it recorded at `now`. */
  private judge({ number, profile, outcome }: AttemptToRecord, now: Date): { success: boolean; status: CallbackStatus; nextAttemptAt: Date | null } {
    const success =
      profile !== null && outcome.httpStatus !== null && !outcome.replyTruncated && profile.isAcknowledged(outcome.httpStatus, outcome.reply);
    const delay = success || profile === null ? null : delayAfterAttempt(profile, number, this.config.CALLBACK_RETRY_SCALE);
    const status = success ? CallbackStatus.Delivered : delay === null ? CallbackStatus.GivenUp : CallbackStatus.Pending;
    return { success, status, nextAttemptAt: delay === null ? null : new Date(now.getTime() + delay) };
  }
}

/** An attempt with what it means for its delivery (CallbackService.judge). */
interface JudgedAttempt {
  input: AttemptToRecord;
  success: boolean;
  status: CallbackStatus;
  nextAttemptAt: Date | null;
}

/** Batches of at most this many attempts keep their plan (recordInOneStatement). */
const KEPT_PLAN_MAX_ROWS = 4;

/**
 * `recordAttempts` on PostgreSQL as ONE statement (atomic by itself, so no transaction
 * and one round trip, bench section 4): the attempts as arrays, one per column, unnested;
 * the delivery rows whose attempt count is still the one each attempt saw move
 * (data-modifying CTE); only the attempts that moved their row are inserted; their outbox
 * rows are completed (final) or given the next attempt time (pending), all from the moved
 * rows' RETURNING. A second input for the same attempt of a delivery is superseded before
 * the statement is built. Its text is the same for every batch size (a VALUES list of 11
 * parameters per row cost ~0.4 ms of parsing and planning per batch of ~40).
 */
async function recordInOneStatement(em: EntityManager, judged: JudgedAttempt[], now: Date): Promise<AttemptVerdict[]> {
  if (judged.length === 0) return [];
  const firstOfAttempt = new Map<string, number>();
  judged.forEach(({ input }, i) => {
    const key = `${input.deliveryId}#${input.number}`;
    if (!firstOfAttempt.has(key)) firstOfAttempt.set(key, i);
  });
  const sent = [...firstOfAttempt.values()].map((i) => judged[i]!);
  const column = (value: (attempt: JudgedAttempt) => PgArrayElement) => pgArray(sent.map(value));
  const [moved] = await runInOneTrip(em, [
    {
      sql: `with input as (
       select * from unnest(?::text[], ?::int[], ?::text[], ?::timestamptz[], ?::timestamptz[], ?::timestamptz[], ?::int[], ?::int[], ?::text[], ?::text[], ?::boolean[])
         as i (delivery_id, number, status, next_attempt_at, delivered_at, started_at, http_status, latency_ms, reply_snippet, error, success)
     ),
     moved as (
       update callback_delivery d set attempt_count = d.attempt_count + 1, status = i.status, next_attempt_at = i.next_attempt_at, delivered_at = i.delivered_at
       from input i where d.id = i.delivery_id and d.attempt_count = i.number - 1 and d.status = ?
       returning d.id, d.attempt_count, d.status, d.next_attempt_at
     ),
     attempts as (
       insert into callback_attempt (delivery_id, number, started_at, http_status, latency_ms, reply_snippet, error, success)
       select i.delivery_id, i.number, i.started_at, i.http_status, i.latency_ms, i.reply_snippet, i.error, i.success
       from input i join moved m on m.id = i.delivery_id and m.attempt_count = i.number
     ),
     outbox as (
       update outbox_message o set
         completed_at = case when m.status = ? then o.completed_at else coalesce(o.completed_at, ?::timestamptz) end,
         run_at = case when m.status = ? then m.next_attempt_at else o.run_at end
       from moved m where o.id = m.id
     )
     select id, attempt_count from moved`,
      params: [
        column((a) => a.input.deliveryId),
        column((a) => a.input.number),
        column((a) => a.status),
        column((a) => a.nextAttemptAt),
        column((a) => (a.status === CallbackStatus.Delivered ? now : null)),
        column((a) => a.input.outcome.startedAt),
        column((a) => a.input.outcome.httpStatus),
        column((a) => a.input.outcome.latencyMs),
        column((a) => storedReply(a.input.outcome)),
        column((a) => storedError(a.input.outcome)),
        column((a) => a.success),
        CallbackStatus.Pending,
        CallbackStatus.Pending,
        now,
        CallbackStatus.Pending,
      ],
      returnsRows: true,
      // A burst's batches are planned with their values (the arrays' sizes): the tables they
      // join grow during a burst, past what a kept plan saw. The few rows of the trickle of
      // single payments keep their plans: planning (~0.2 ms) would cost more than the rows.
      planEachTime: sent.length > KEPT_PLAN_MAX_ROWS,
    },
  ]);
  const movedTo = new Set(moved!.map((r) => `${r.id}#${Number(r.attempt_count)}`));
  return judged.map(({ input, status, nextAttemptAt }, i): AttemptVerdict =>
    firstOfAttempt.get(`${input.deliveryId}#${input.number}`) === i && movedTo.has(`${input.deliveryId}#${input.number}`)
      ? { kind: 'recorded', status, nextAttemptAt }
      : { kind: 'superseded' },
  );
}

/** Indexes grouped by key, groups in order of first appearance. */
function groupBy<K>(indexes: Iterable<number>, keyOf: (i: number) => K): number[][] {
  const groups = new Map<K, number[]>();
  for (const i of indexes) {
    const k = keyOf(i);
    const group = groups.get(k);
    if (group) group.push(i);
    else groups.set(k, [i]);
  }
  return [...groups.values()];
}

/** An attempt's started_at, http_status, latency_ms, reply_snippet and error, as stored. */
function attemptColumns(em: EntityManager, outcome: AttemptOutcome): unknown[] {
  return [dateParam(em, outcome.startedAt), outcome.httpStatus, outcome.latencyMs, storedReply(outcome), storedError(outcome)];
}

/** The reply's first characters, kept when there was a reply. */
function storedReply(outcome: AttemptOutcome): string | null {
  return outcome.httpStatus === null ? null : storable(outcome.reply, REPLY_SNIPPET_CHARS);
}

function storedError(outcome: AttemptOutcome): string | null {
  return outcome.error === null ? null : storable(outcome.error, ERROR_CHARS);
}

/** Text safe for a bounded text column on both databases (PostgreSQL refuses NUL). */
function storable(text: string, maxChars: number): string {
  return Array.from(text.replaceAll('\u0000', '\uFFFD')).slice(0, maxChars).join('');
}
