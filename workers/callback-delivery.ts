import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { CallbackStatus } from '../core/entities/index.js';
import { guardedPost } from '../core/net/guarded-post.js';
import { completeWork } from '../core/outbox/outbox.js';
import { callbackProfiles, isCallbackProfileName } from '../core/services/callback-profiles.js';
import type { AttemptOutcome, AttemptToRecord, AttemptVerdict, DeliveryToAttempt } from '../core/services/callback-service.js';
import type { QueuePayloads } from './queues.js';
import { TickBatch } from './tick-batch.js';
import type { WorkerDefinition } from './worker-definition.js';

/** A callback reply is one word; reading more only costs memory. */
const REPLY_CAP_BYTES = 4096;

/** How many times a job re-reads a delivery after losing an attempt-number race. */
const SUPERSEDED_ROUNDS = 3;

/**
 * Delivers callbacks: one job per CallbackDelivery (job id = delivery id = outbox id).
 * Each run makes ONE attempt, records it, and then either finishes the job (delivered,
 * given up) or re-delays the same job to the profile's next attempt time. The schedule
 * lives in the database, so a job lost from Redis and re-added by the outbox sweep
 * resumes where the delivery stands. Delivery is at-least-once: an attempt whose worker
 * dies mid-flight is not recorded and is made again by the next worker (BullMQ's stalled
 * job recovery), so the receiver may see that request twice.
 */
export const callbackDeliveryWorker: WorkerDefinition = {
  queue: 'callbacks',
  // A job mostly waits (on the receiver, on its batch's round trips), so more of them at
  // once mean bigger batches and more deliveries per second; 64 measured well above 16
  // (bench section 4) and keeps the receivers' connection count modest.
  concurrency: 64,
  options: (config) => ({
    lockDuration: config.CALLBACK_LOCK_MS,
    stalledInterval: config.CALLBACK_LOCK_MS,
    // Each stall costs at most one repeated attempt; BullMQ fails the job only after
    // this many, and the outbox sweep re-adds failed-but-unfinished work even then.
    maxStalledCount: 10,
  }),
  create: (core, log) => {
    const deliveries = new DeliveryBatches(core, log);
    return (job: Job<QueuePayloads['callbacks']>, token?: string) => deliverCallback(core, deliveries, log, job, token);
  },
};

/**
 * At most 100 deliveries per batched read or attempts transaction, and a few of them at
 * once (PostgreSQL's pool has connections to spare; SQLite runs them one after another).
 */
const BATCHES = { maxItems: 100, maxInFlight: 4 };

/**
 * The statements of concurrent jobs, batched per tick (bench/FINDINGS.md, section 4): one
 * SELECT reads the deliveries jobs are about to attempt, one transaction records their
 * attempts.
 */
class DeliveryBatches {
  readonly reads: TickBatch<string, DeliveryToAttempt | null>;
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

async function deliverCallback(
  core: Core,
  deliveries: DeliveryBatches,
  log: Logger,
  job: Job<QueuePayloads['callbacks']>,
  token: string | undefined,
): Promise<string> {
  const { deliveryId } = job.data;
  for (let round = 0; round < SUPERSEDED_ROUNDS; round++) {
    const delivery = await deliveries.reads.submit(deliveryId);
    if (!delivery) {
      log.error({ deliveryId }, 'callback: outbox row without a delivery; dropped');
      await completeWork(core.em(), deliveryId);
      return 'missing';
    }
    if (delivery.status !== CallbackStatus.Pending) {
      await completeWork(core.em(), deliveryId);
      return delivery.status;
    }
    const due = delivery.nextAttemptAt?.getTime() ?? 0;
    if (due > Date.now()) return postpone(job, due, token);

    const number = delivery.attemptCount + 1;
    const profile = isCallbackProfileName(delivery.profile) ? callbackProfiles[delivery.profile] : null;
    const outcome = profile ? await attempt(core, delivery, number) : unknownProfile(delivery.profile);
    const verdict = await deliveries.record({ deliveryId, number, profile, outcome });
    if (verdict.kind === 'superseded') {
      log.warn({ deliveryId, number }, 'callback: attempt already recorded by another run; following its state');
      continue;
    }
    log.info(
      { deliveryId, number, httpStatus: outcome.httpStatus, latencyMs: outcome.latencyMs, error: outcome.error, status: verdict.status },
      'callback attempt',
    );
    if (verdict.status === CallbackStatus.Pending && verdict.nextAttemptAt) return postpone(job, verdict.nextAttemptAt.getTime(), token);
    return verdict.status;
  }
  throw new Error(`callback ${deliveryId}: attempt number kept being taken by another run`);
}

/** Re-delays this same job (BullMQ's pattern: move it, then tell the worker with DelayedError). */
async function postpone(job: Job, at: number, token: string | undefined): Promise<never> {
  await job.moveToDelayed(at, token);
  throw new DelayedError();
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
