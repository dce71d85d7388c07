import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { CallbackStatus } from '../core/entities/index.js';
import { guardedPost } from '../core/net/guarded-post.js';
import { completeWork } from '../core/outbox/outbox.js';
import { callbackProfiles, isCallbackProfileName } from '../core/services/callback-profiles.js';
import type { AttemptOutcome, AttemptToRecord, AttemptVerdict, DeliveryToAttempt } from '../core/services/callback-service.js';
import { TickBatch } from './tick-batch.js';

/** A callback reply is one word; reading more only costs memory. */
const REPLY_CAP_BYTES = 4096;

/** How many times a run re-reads a delivery after losing an attempt-number race. */
const SUPERSEDED_ROUNDS = 3;

/**
 * At most 100 deliveries per batched read or attempts transaction, and a few of them at
 * once (PostgreSQL's pool has connections to spare; SQLite runs them one after another).
 */
const BATCHES = { maxItems: 100, maxInFlight: 4 };

/**
 * The statements of concurrent attempts, batched per tick (bench/FINDINGS.md, section 4):
 * one SELECT reads the deliveries about to be attempted, one transaction records their
 * attempts. One instance per process serves the first attempts and the BullMQ retries.
 */
export class DeliveryBatches {
  private readonly reads: TickBatch<string, DeliveryToAttempt | null>;
  private readonly records: TickBatch<AttemptToRecord, AttemptVerdict>;

  constructor(
    private readonly core: Core,
    private readonly log: Logger,
  ) {
    this.reads = new TickBatch(async (ids) => {
      const found = await core.callbacks.deliveriesToAttempt(core.em(), ids);
      return ids.map((id) => found.get(id) ?? null);
    }, BATCHES);
    this.records = new TickBatch((attempts) => core.callbacks.recordAttempts(core.em(), attempts), BATCHES);
  }

  read(deliveryId: string): Promise<DeliveryToAttempt | null> {
    return this.reads.submit(deliveryId);
  }

  async record(attempt: AttemptToRecord): Promise<AttemptVerdict> {
    try {
      return await this.records.submit(attempt);
    } catch (err) {
      // The batch failed as a whole (e.g. a deadlock with another process recording the
      // same delivery): this attempt alone, so one row's trouble is not every job's.
      this.log.warn({ deliveryId: attempt.deliveryId, err: (err as Error).message }, 'callback: batched record failed; recording alone');
      return this.core.callbacks.recordAttempt(this.core.em(), attempt);
    }
  }
}

/** Where a delivery stands after `attemptIfDue`. */
export type AttemptResult =
  /** Delivered or given up (now or earlier); its outbox row is complete. */
  | { kind: 'final'; status: CallbackStatus }
  /** Still owed: the next attempt is due at `at` (epoch ms). */
  | { kind: 'later'; at: number }
  /** No delivery row behind the outbox row; the row was completed so it is not relayed again. */
  | { kind: 'missing' };

/**
 * Makes the delivery's next attempt if it is due, and records it: ONE attempt per call.
 * Both delivery paths run this — the relay's first attempt (workers/first-attempts.ts)
 * and the BullMQ job of a retry (workers/callback-delivery.ts) — so they cannot differ
 * in what they send or how they judge the reply.
 */
export async function attemptIfDue(
  core: Core,
  batches: DeliveryBatches,
  log: Logger,
  deliveryId: string,
  /** The delivery as the caller just read it (undefined: read it here). */
  known?: DeliveryToAttempt | null,
  /** Called once the request is over, before its outcome is recorded (first attempts free their HTTP slot). */
  sent?: () => void,
): Promise<AttemptResult> {
  for (let round = 0; round < SUPERSEDED_ROUNDS; round++) {
    const delivery = round === 0 && known !== undefined ? known : await batches.read(deliveryId);
    if (!delivery) {
      log.error({ deliveryId }, 'callback: outbox row without a delivery; dropped');
      await completeWork(core.em(), deliveryId);
      return { kind: 'missing' };
    }
    if (delivery.status !== CallbackStatus.Pending) {
      await completeWork(core.em(), deliveryId);
      return { kind: 'final', status: delivery.status };
    }
    const due = delivery.nextAttemptAt?.getTime() ?? 0;
    if (due > Date.now()) return { kind: 'later', at: due };

    const number = delivery.attemptCount + 1;
    const profile = isCallbackProfileName(delivery.profile) ? callbackProfiles[delivery.profile] : null;
    const outcome = profile ? await attempt(core, delivery, number) : unknownProfile(delivery.profile);
    sent?.();
    const verdict = await batches.record({ deliveryId, number, profile, outcome });
    if (verdict.kind === 'superseded') {
      log.warn({ deliveryId, number }, 'callback: attempt already recorded by another run; following its state');
      continue;
    }
    log.info(
      { deliveryId, number, httpStatus: outcome.httpStatus, latencyMs: outcome.latencyMs, error: outcome.error, status: verdict.status },
      'callback attempt',
    );
    if (verdict.status === CallbackStatus.Pending && verdict.nextAttemptAt) return { kind: 'later', at: verdict.nextAttemptAt.getTime() };
    return { kind: 'final', status: verdict.status };
  }
  throw new Error(`callback ${deliveryId}: attempt number kept being taken by another run`);
}

async function attempt(core: Core, delivery: DeliveryToAttempt, number: number): Promise<AttemptOutcome> {
  const reply = await guardedPost({
    url: delivery.url,
    headers: {
      'content-type': delivery.contentType,
      'user-agent': 'paymesh-callback/1',
      'x-paymesh-delivery': delivery.id,
      'x-paymesh-attempt': String(number),
    },
    body: delivery.body,
    timeoutMs: core.config.CALLBACK_TIMEOUT_MS,
    replyCapBytes: REPLY_CAP_BYTES,
    policy: { allowLoopbackAndPrivate: core.config.CALLBACK_ALLOW_LOOPBACK },
  });
  const error = reply.error ?? (reply.truncated ? `reply longer than ${REPLY_CAP_BYTES} bytes` : null);
  return {
    startedAt: reply.startedAt,
    latencyMs: reply.latencyMs,
    httpStatus: reply.httpStatus,
    reply: reply.body,
    replyTruncated: reply.truncated,
    error,
  };
}

/** A profile this build does not know (a rollback, a hand-edited row): recorded, then given up. */
function unknownProfile(name: string): AttemptOutcome {
  return {
    startedAt: new Date(),
    latencyMs: 0,
    httpStatus: null,
    reply: '',
    replyTruncated: false,
    error: `unknown callback profile "${name}"; not sent`,
  };
}
