import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { CallbackStatus, type CallbackDelivery } from '../core/entities/index.js';
import { guardedPost } from '../core/net/guarded-post.js';
import { completeWork } from '../core/outbox/outbox.js';
import { callbackProfiles, isCallbackProfileName } from '../core/services/callback-profiles.js';
import type { AttemptOutcome } from '../core/services/callback-service.js';
import type { QueuePayloads } from './queues.js';
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
  concurrency: 16,
  options: (config) => ({
    lockDuration: config.CALLBACK_LOCK_MS,
    stalledInterval: config.CALLBACK_LOCK_MS,
    // Each stall costs at most one repeated attempt; BullMQ fails the job only after
    // this many, and the outbox sweep re-adds failed-but-unfinished work even then.
    maxStalledCount: 10,
  }),
  create: (core, log) => (job: Job<QueuePayloads['callbacks']>, token?: string) => deliverCallback(core, log, job, token),
};

async function deliverCallback(core: Core, log: Logger, job: Job<QueuePayloads['callbacks']>, token: string | undefined): Promise<string> {
  const { deliveryId } = job.data;
  for (let round = 0; round < SUPERSEDED_ROUNDS; round++) {
    const em = core.em();
    const delivery = await core.callbacks.byId(em, deliveryId);
    if (!delivery) {
      log.error({ deliveryId }, 'callback: outbox row without a delivery; dropped');
      await completeWork(em, deliveryId);
      return 'missing';
    }
    if (delivery.status !== CallbackStatus.Pending) {
      await completeWork(em, deliveryId);
      return delivery.status;
    }
    const due = delivery.nextAttemptAt?.getTime() ?? 0;
    if (due > Date.now()) return postpone(job, due, token);

    const number = delivery.attemptCount + 1;
    const profile = isCallbackProfileName(delivery.profile) ? callbackProfiles[delivery.profile] : null;
    const outcome = profile ? await attempt(core, delivery, number) : unknownProfile(delivery.profile);
    const verdict = await core.callbacks.recordAttempt(em, { deliveryId, number, profile, outcome });
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

async function attempt(core: Core, delivery: CallbackDelivery, number: number): Promise<AttemptOutcome> {
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
