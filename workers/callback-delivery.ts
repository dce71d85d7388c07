import { DelayedError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { attemptIfDue, DeliveryBatches } from './callback-attempt.js';
import type { QueuePayloads } from './queues.js';
import type { WorkerDefinition } from './worker-definition.js';

/**
 * Delivers callbacks whose first attempt did not settle them: one job per CallbackDelivery
 * (job id = delivery id = outbox id). The first attempt is made by the outbox relay itself
 * (workers/first-attempts.ts); a job carries the retries, and any delivery the relay could
 * not attempt (a crash mid-attempt, found by the relay's sweep). Each run makes ONE
 * attempt, records it, and then either finishes the job (delivered, given up) or re-delays
 * the same job to the profile's next attempt time. The schedule lives in the database, so
 * a job lost from Redis and re-added by the outbox sweep resumes where the delivery stands.
 * Delivery is at-least-once: an attempt whose worker dies mid-flight is not recorded and
 * is made again by the next worker (BullMQ's stalled job recovery), so the receiver may
 * see that request twice.
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
    const batches = new DeliveryBatches(core, log);
    return (job: Job<QueuePayloads['callbacks']>, token?: string) => deliverCallback(core, batches, log, job, token);
  },
};

async function deliverCallback(
  core: Core,
  batches: DeliveryBatches,
  log: Logger,
  job: Job<QueuePayloads['callbacks']>,
  token: string | undefined,
): Promise<string> {
  const result = await attemptIfDue(core, batches, log, job.data.deliveryId);
  if (result.kind === 'later') return postpone(job, result.at, token);
  return result.kind === 'final' ? result.status : 'missing';
}

/** Re-delays this same job (BullMQ's pattern: move it, then tell the worker with DelayedError). */
async function postpone(job: Job, at: number, token: string | undefined): Promise<never> {
  await job.moveToDelayed(at, token);
  throw new DelayedError();
}
