import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { dateParam } from '../core/db/raw-sql.js';
import type { FirstAttemptHandoff } from '../core/outbox/handoff.js';
import type { DeliveryToAttempt } from '../core/services/callback-service.js';
import { attemptIfDue, DeliveryBatches } from './callback-attempt.js';

/** A callback row the relay claimed, with its delivery when the claim read it (null: none). */
export interface ClaimedDelivery {
  id: string;
  delivery?: DeliveryToAttempt | null;
}

/**
 * First attempts of callbacks, made by the outbox relay's process as soon as it claims
 * their rows, without a BullMQ job: a callback that lands at once (nearly all of them)
 * costs no Redis work at all, and reaches the merchant one queue hop sooner (bench
 * sections 3 and 4). A delivery still owed after its first attempt is handed to BullMQ
 * at once: the relay adds the delayed job that makes the retries
 * (workers/callback-delivery.ts). While Redis is unreachable its outbox row is released
 * with the next attempt time instead, and the relay claims it again when it falls due.
 *
 * The claim stamps the row relayed with `run_at` = claim time + CALLBACK_LOCK_MS. If this
 * process dies mid-attempt, the relay's sweep finds the row relayed, unfinished and
 * without a job, and adds one delayed to that time: the attempt is made again, as a
 * stalled BullMQ job's would be (at-least-once).
 */
export class FirstAttempts implements FirstAttemptHandoff {
  /** Requests under way: at most `limit`. */
  private sending = 0;
  /** Claimed rows waiting here for a request slot: at most half the limit beyond the slots. */
  private readonly waiting: ClaimedDelivery[] = [];
  /** Attempts claimed or reserved and not yet recorded (the above included): at most twice `limit`. */
  private unrecorded = 0;
  /** The room filled up; it is offered again when half of it is free. */
  private refilling = false;
  /** The last claim came back full: due callbacks were left in the outbox. */
  private behind = false;
  private readonly running = new Set<Promise<void>>();
  /** Stopping: no more slots are handed out. */
  private closed = false;
  private readonly batches: DeliveryBatches;

  constructor(
    private readonly core: Core,
    private readonly log: Logger,
    /** Requests at once; the relay claims no more rows than there is room for. */
    private readonly limit: number,
    private readonly relay: {
      /** Asks for a relay pass: room freed up after filling, or a row was released. */
      nudge(): void;
      /** Adds the delivery's BullMQ job, delayed to `at`; false when Redis would not take it. */
      addRetryJob(deliveryId: string, at: Date): Promise<boolean>;
    },
  ) {
    this.batches = new DeliveryBatches(core, log);
  }

  /**
   * How many more rows the relay may claim now. Once the room has filled up, none until
   * half the limit is free again: a backlog is then claimed in batches of at least half the
   * limit, not one row per finished attempt (each claim is a relay pass and a round trip).
   *
   * The room is the request slots plus half the limit of claimed rows waiting for one, so a
   * claim is made while the requests of the last are still under way, and its rows start as
   * those end: a burst was worked off as claim, requests, claim, … one after another, the
   * slots idle during every claim's round trip (bench section 4). A slot is free again when
   * its request is over, while its outcome is being recorded; attempts not yet recorded are
   * bounded at twice the limit, so a database slower than the receivers holds claims back.
   */
  room(): number {
    if (this.closed) return 0;
    const free = this.free();
    if (this.refilling && free < this.limit / 2) return 0;
    this.refilling = false;
    return Math.max(0, free);
  }

  private free(): number {
    const ahead = Math.ceil(this.limit / 2);
    return Math.min(this.limit + ahead - this.sending - this.waiting.length, 2 * this.limit - this.unrecorded);
  }

  /** Whether the last claim left due callbacks behind (a burst is being worked off). */
  backlogged(): boolean {
    return this.behind;
  }

  /**
   * Starts the first attempt of each claimed delivery: the rows a claim of `asked` (at
   * most `room()`) returned.
   */
  start(claimed: readonly ClaimedDelivery[], asked: number): void {
    // A full claim may have left due callbacks in the outbox: the relay is asked for another
    // pass once half the room is free, not left to its poll. Counting the attempts in flight
    // instead missed the backlog whenever earlier attempts ended during the claim's trip —
    // the burst of bench section 4 then waited a poll interval every second claim.
    this.behind = claimed.length >= asked;
    if (this.behind || claimed.length >= this.free()) this.refilling = true;
    this.unrecorded += claimed.length;
    this.waiting.push(...claimed);
    this.startWaiting();
  }

  /**
   * A slot for a callback a transaction is about to owe and hand over at its commit
   * (core/outbox/handoff.ts): a request slot free now, taken from the same room as the
   * relay's claims, so the bound on requests at once holds for both. A paid order's callback
   * does not queue behind a claimed backlog: with every slot taken it is left to the relay.
   */
  reserve(): boolean {
    if (this.closed || this.sending >= this.limit || this.unrecorded >= 2 * this.limit) return false;
    this.sending++;
    this.unrecorded++;
    return true;
  }

  /** The transaction that owed it committed: its first attempt starts now, in the reserved slot. */
  attempt(delivery: DeliveryToAttempt): void {
    this.run(delivery.id, delivery);
  }

  /** The transaction did not commit: the reserved slot is free again. */
  release(): void {
    this.sent();
    this.recorded();
  }

  /** No more slots or claims: the process is stopping (attempts under way go on; see idle()). */
  close(): void {
    this.closed = true;
  }

  /** Claimed rows into the free request slots. */
  private startWaiting(): void {
    while (this.sending < this.limit && this.waiting.length > 0) {
      const { id, delivery } = this.waiting.shift()!;
      this.sending++;
      this.run(id, delivery);
    }
  }

  /** Makes the attempt in a request slot already taken. */
  private run(id: string, delivery: DeliveryToAttempt | null | undefined): void {
    let sending = true;
    const sent = () => {
      if (!sending) return;
      sending = false;
      this.sent();
    };
    const run = this.attemptOnce(id, delivery, sent).finally(() => {
      this.running.delete(run);
      sent();
      this.recorded();
    });
    this.running.add(run);
  }

  private sent(): void {
    this.sending--;
    this.startWaiting();
    this.maybeRefill();
  }

  private recorded(): void {
    this.unrecorded--;
    this.maybeRefill();
  }

  /** Half the limit is free again: the relay may have left due callbacks in the outbox. */
  private maybeRefill(): void {
    if (this.refilling && this.free() >= this.limit / 2) this.relay.nudge();
  }

  /**
   * Resolves when every attempt claimed so far is recorded (or has failed to be). Rows still
   * waiting start as attempts end, before those are counted out of `running`.
   */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async attemptOnce(deliveryId: string, delivery: DeliveryToAttempt | null | undefined, sent: () => void): Promise<void> {
    try {
      const result = await attemptIfDue(this.core, this.batches, this.log, deliveryId, delivery, sent);
      if (result.kind === 'later') await this.handToQueue(deliveryId, new Date(result.at));
    } catch (err) {
      // Left claimed: the sweep adds its job once the claim's run_at has passed.
      this.log.warn({ deliveryId, err: (err as Error).message }, 'callback: first attempt failed; the outbox sweep will retry it');
    }
  }

  /**
   * Adds the job that makes the retries. If Redis will not take it, the row is released
   * with its next attempt time instead, and a later relay pass adds the job.
   */
  private async handToQueue(deliveryId: string, at: Date): Promise<void> {
    if (await this.relay.addRetryJob(deliveryId, at)) return;
    const em = this.core.em();
    await em.execute(
      'update outbox_message set relayed_at = null, run_at = ? where id = ? and completed_at is null',
      [dateParam(em, at), deliveryId],
      'run',
    );
    this.relay.nudge();
  }
}
