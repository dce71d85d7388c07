import type { JobsOptions } from 'bullmq';

/**
 * Every BullMQ queue paymesh uses, its payload type and its default job options. Job
 * ids are outbox row ids, so a row can never become two live jobs.
 */
export interface QueuePayloads {
  /** Deliver one callback (CallbackDelivery id). */
  callbacks: { deliveryId: string };
  /** Dispatch one SMS message through its provider. */
  sms: { messageId: string };
  /** Upstream polling and scheduled maintenance (heartbeat expiry, order expiry, plugin tasks). */
  upstream: { task: string; scopeId?: string | number };
}

export type QueueName = keyof QueuePayloads;

export const queueDefaults: Record<QueueName, JobsOptions> = {
  // The callback engine keeps its own retry schedule (per dialect) in the database and
  // re-delays the job itself; BullMQ attempts only cover an error inside the processor
  // (database unreachable), and a crashed worker is covered by stalled-job recovery.
  callbacks: { attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  sms: { attempts: 3, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
  upstream: { attempts: 1, removeOnComplete: 100, removeOnFail: 1000 },
};

export const queueNames = Object.keys(queueDefaults) as QueueName[];

export function isQueueName(name: string): name is QueueName {
  return (queueNames as string[]).includes(name);
}
