import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { FirstAttemptHandoff } from '../core/outbox/handoff.js';
import type { EntityManager } from '@mikro-orm/knex';
import { dateParam, placeholders, readDate, runInOneTrip } from '../core/db/raw-sql.js';
import { deliveryToAttemptFromRow } from '../core/services/callback-service.js';
import { OutboxMessage } from '../core/entities/index.js';
import { FirstAttempts, type ClaimedDelivery } from './first-attempts.js';
import { claimDueCallbacks, rowsToEnqueue } from './outbox-statements.js';
import { isQueueName, queueDefaults, type QueueName } from './queues.js';

/** What relaying needs of an outbox row. */
type RelayRow = Pick<OutboxMessage, 'id' | 'topic' | 'payload' | 'runAt'>;

const BATCH = 200;
const SWEEP_PAGE = 500;
/** How much later than asked a retry job may be due before it is brought forward (addRetryJob). */
const RETRY_DUE_SLACK_MS = 1000;

/**
 * A claimed row as the claim returned it: with its delivery read by the same statement
 * (PostgreSQL; null when there is none), or without (SQLite: read before the attempt).
 * The outbox row of a callback shares its delivery's id (core/services/callbacks.ts).
 */
function claimedDelivery(em: EntityManager, row: Record<string, unknown>): ClaimedDelivery {
  const id = String(row.claimed_id);
  if (!('profile' in row)) return { id };
  return { id, delivery: row.id == null ? null : deliveryToAttemptFromRow(em, row) };
}

/** Rows grouped by topic, topics in order of their oldest row. */
function byTopic(rows: RelayRow[]): Map<string, RelayRow[]> {
  const groups = new Map<string, RelayRow[]>();
  for (const row of rows) {
    const group = groups.get(row.topic);
    if (group) group.push(row);
    else groups.set(row.topic, [row]);
  }
  return groups;
}

/**
 * Moves committed outbox rows on. A callback due now is claimed and attempted here
 * (workers/first-attempts.ts, when `firstAttempts` is set); every other row becomes the
 * BullMQ job whose id is the row id, then is stamped `relayedAt`. A failed `add` (Redis down) leaves the row for the
 * next tick. Rows relayed but never completed are checked against Redis on start, after
 * every reconnect and every `sweepEveryMs`: a job missing from Redis (lost, flushed) or
 * failed for good while its row is still owed is added again; a row not completed is
 * work still owed, so consumers complete rows they drop on purpose.
 * Several relays may run at once: job-id dedup makes a double add harmless.
 * While Redis is unreachable a pass only claims first attempts (no throw, no wait): BullMQ
 * would otherwise hold a first `add` until Redis answers.
 */
export class OutboxRelay {
  private readonly queues = new Map<QueueName, Queue>();
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private lastSweep = 0;
  private stopped = false;
  /** Callback first attempts made here, without a job (absent: every row becomes a job). */
  private readonly firstAttempts: FirstAttempts | null;
  /** Redis may have come back empty: sweep at once, and relay what piled up. */
  private readonly onReconnect = (): void => {
    this.lastSweep = 0;
    this.nudge();
  };

  constructor(
    private readonly core: Core,
    private readonly connection: Redis,
    private readonly log: Logger,
    private readonly options: {
      pollMs: number;
      prefix: string;
      sweepEveryMs?: number;
      /** Make callbacks' first attempts in this process, this many at once (workers/first-attempts.ts). */
      firstAttempts?: { limit: number };
    },
  ) {
    this.firstAttempts = options.firstAttempts
      ? new FirstAttempts(core, log, options.firstAttempts.limit, {
          nudge: () => this.nudge(),
          addRetryJob: (deliveryId, at) => this.addRetryJob(deliveryId, at),
        })
      : null;
  }

  start(): void {
    this.lastSweep = 0;
    this.connection.on('ready', this.onReconnect);
    this.schedule(0);
  }

  /** Relay now (called after a commit that owed work, so latency is not the poll interval). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // Next turn of the event loop, not a 0 ms timer (~1 ms here): this is the money path.
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.immediate ??= setImmediate(() => {
      this.immediate = null;
      void this.tick();
    });
  }

  /** Where transactions that owe callbacks may hand them over at their commit (core/outbox/handoff.ts); null without first attempts. */
  firstAttemptHandoff(): FirstAttemptHandoff | null {
    return this.firstAttempts;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.firstAttempts?.close();
    this.connection.off('ready', this.onReconnect);
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    await this.running;
    await this.firstAttempts?.idle();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /**
   * One relay pass; returns how many rows were claimed or enqueued. Exposed for tests.
   * Callbacks due now are claimed for their first attempt here, as many as there is room
   * for (the rest wait in the outbox for room, which is as durable as a queue). Every other
   * row costs its share of one `addBulk` per queue (one Redis transaction each) and one
   * UPDATE stamping the rows that were added; a queue whose add fails stops the pass, its
   * rows left for the next.
   */
  async relayOnce(): Promise<number> {
    // First attempts need only the database: while Redis is unreachable they go on, and the
    // rest waits for it (an add would otherwise be held until Redis answers).
    const redisUp = this.redisReady();
    const room = this.firstAttempts?.room() ?? 0;
    if (!redisUp && room === 0) return 0;
    const em = this.core.em();
    const now = new Date();
    // Hand-written, without entities, in one round trip: a pass follows every commit that
    // owed work. The select runs after the claim, so it never sees a row just claimed.
    const results = await runInOneTrip(em, [
      ...(room > 0 ? [claimDueCallbacks(em, now, room, this.core.config.CALLBACK_LOCK_MS, { burst: this.firstAttempts!.backlogged() })] : []),
      ...(redisUp ? [rowsToEnqueue(em, now, { firstAttempts: this.firstAttempts !== null, batch: BATCH })] : []),
    ]);
    const claimed = room > 0 ? results[0]! : [];
    if (claimed.length > 0) this.firstAttempts!.start(claimed.map((r) => claimedDelivery(em, r)), room);
    const rows = (redisUp ? results.at(-1)! : []).map(
      (r): RelayRow => ({
        id: String(r.id),
        topic: String(r.topic),
        payload: (typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload) as Record<string, unknown>,
        runAt: r.run_at == null ? null : readDate(em, r.run_at),
      }),
    );
    const added: string[] = [];
    for (const [topic, ofTopic] of byTopic(rows)) {
      if (!(await this.enqueue(topic, ofTopic))) break; // Redis unavailable: keep order, retry later
      added.push(...ofTopic.map((row) => row.id));
    }
    if (added.length > 0) {
      await em.execute(`update outbox_message set relayed_at = ? where relayed_at is null and id in (${placeholders(added)})`, [dateParam(em, new Date()), ...added], 'run');
    }
    return claimed.length + added.length;
  }

  /**
   * The job that makes a delivery's retries, delayed to `at`. A sweep may already have added
   * it while the first attempt ran (the row was claimed, relayed and without a job), delayed
   * to the claim's end: then the add is a no-op and that job is brought forward to `at`.
   * False while Redis is unreachable (an add would wait for it): the row is released instead.
   */
  private async addRetryJob(deliveryId: string, at: Date): Promise<boolean> {
    if (!this.redisReady()) return false;
    if (!(await this.enqueue('callbacks', [{ id: deliveryId, topic: 'callbacks', payload: { deliveryId }, runAt: at }]))) return false;
    try {
      const job = await this.queue('callbacks').getJob(deliveryId);
      // The job just added is due at `at` give or take the add's own clock reading; the
      // sweep's is due at the claim's end, CALLBACK_LOCK_MS away.
      if (job && job.timestamp + (job.delay ?? 0) > at.getTime() + RETRY_DUE_SLACK_MS && (await job.isDelayed())) {
        await job.changeDelay(Math.max(0, at.getTime() - Date.now()));
      }
    } catch (err) {
      // Not fatal: the job still runs, at the end of the claim at the latest.
      this.log.warn({ deliveryId, err: (err as Error).message }, 'outbox: could not bring a retry job forward');
    }
    return true;
  }

  /**
   * Re-adds relayed-but-unfinished rows whose job Redis no longer has, or whose job failed
   * for good. Walks every such row (callbacks wait up to a day, so there can be many), a
   * page at a time. Returns how many were re-added.
   */
  async sweepOnce(): Promise<number> {
    if (!this.redisReady()) return 0;
    const em = this.core.em();
    let readded = 0;
    let after: { createdAt: Date; id: string } | null = null;
    for (;;) {
      const page: OutboxMessage[] = await em.find(
        OutboxMessage,
        {
          relayedAt: { $ne: null },
          completedAt: null,
          ...(after ? { $or: [{ createdAt: { $gt: after.createdAt } }, { createdAt: after.createdAt, id: { $gt: after.id } }] } : {}),
        },
        { orderBy: { createdAt: 'asc', id: 'asc' }, limit: SWEEP_PAGE },
      );
      for (const row of page) {
        const outcome = await this.sweepRow(row);
        if (outcome === 'redis_down') return this.sweptReport(readded);
        if (outcome === 'readded') readded++;
      }
      if (page.length < SWEEP_PAGE) return this.sweptReport(readded);
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
      em.clear();
    }
  }

  private async sweepRow(row: OutboxMessage): Promise<'kept' | 'readded' | 'redis_down'> {
    if (!isQueueName(row.topic)) return 'kept';
    try {
      const job = await this.queue(row.topic).getJob(row.id);
      // A live job (waiting, delayed, active) will finish the work; a completed one
      // means the consumer is done with it. A failed one gave up while the row is
      // still owed: it is replaced, or the work would be lost.
      if (job && !(await job.isFailed())) return 'kept';
      if (job) await job.remove();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'outbox: Redis unavailable during sweep, will retry');
      return 'redis_down';
    }
    return (await this.enqueue(row.topic, [row])) ? 'readded' : 'redis_down';
  }

  private sweptReport(readded: number): number {
    if (readded) this.log.warn({ readded }, 'outbox: re-enqueued jobs missing from Redis or failed');
    return readded;
  }

  private redisReady(): boolean {
    return this.connection.status === 'ready';
  }

  /** Adds the rows of one topic as their jobs; true when added (or not addable: an unknown topic). */
  private async enqueue(topic: string, rows: RelayRow[]): Promise<boolean> {
    if (!isQueueName(topic)) {
      for (const row of rows) this.log.error({ id: row.id, topic }, 'outbox: unknown topic; row left for an operator');
      return true;
    }
    const now = Date.now();
    const jobs = rows.map((row) => ({
      name: topic,
      data: row.payload,
      opts: { ...queueDefaults[topic], jobId: row.id, delay: row.runAt ? Math.max(0, row.runAt.getTime() - now) : 0 },
    }));
    try {
      await this.queue(topic).addBulk(jobs);
      return true;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'outbox: Redis unavailable, will retry');
      return false;
    }
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      // A queue error (Redis down) is expected and handled by retrying the row later.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        const sweepEvery = this.options.sweepEveryMs ?? 60_000;
        if (Date.now() - this.lastSweep >= sweepEvery && this.redisReady()) {
          this.lastSweep = Date.now();
          await this.sweepOnce();
        }
        let n: number;
        do {
          this.again = false;
          n = await this.relayOnce();
        } while ((n === BATCH || this.again) && !this.stopped);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'outbox relay pass failed');
      }
    })();
    await this.running;
    this.running = null;
    this.schedule(this.again ? 0 : this.options.pollMs);
  }
}
