import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../core/config.js';
import type { Core } from '../core/core.js';
import type { QueuePayloads } from './queues.js';
import type { JobSchedule, WorkerDefinition } from './worker-definition.js';

/** Tasks of the `upstream` queue this worker knows. */
export const UPSTREAM_TASKS = {
  /** Document 000: monitor clients, collection accounts and third-party accounts silent too long go offline. */
  monitorOfflineSweep: 'monitor.offline-sweep',
  /** Document 000: forget replay claims older than the timestamp window can need. */
  reportReplayPrune: 'monitor.replay-prune',
  /** Pending pay-ins past their time become expired; stale amount claims are freed. */
  payInExpiry: 'payins.expire',
  /** Merchants' appended credits folded into their balance rows, so balance reads stay short. */
  ledgerFold: 'ledger.fold',
} as const;

export type UpstreamTask = (typeof UPSTREAM_TASKS)[keyof typeof UPSTREAM_TASKS];

/**
 * The offline sweep runs a few times per HEARTBEAT_OFFLINE_SECONDS (so an account goes
 * offline at most a quarter period late) but not more than once a second nor less than
 * every 30 s. Allocation never waits for it: accounts are also judged by their last
 * heartbeat when an order is planned.
 */
export function offlineSweepEveryMs(config: Config): number {
  return Math.max(1000, Math.min(30_000, config.HEARTBEAT_OFFLINE_SECONDS * 250));
}

export function upstreamSchedules(config: Config): JobSchedule[] {
  return [
    { id: UPSTREAM_TASKS.monitorOfflineSweep, everyMs: offlineSweepEveryMs(config), data: { task: UPSTREAM_TASKS.monitorOfflineSweep } },
    { id: UPSTREAM_TASKS.payInExpiry, everyMs: 5000, data: { task: UPSTREAM_TASKS.payInExpiry } },
    { id: UPSTREAM_TASKS.reportReplayPrune, everyMs: 60_000, data: { task: UPSTREAM_TASKS.reportReplayPrune } },
    { id: UPSTREAM_TASKS.ledgerFold, everyMs: 30_000, data: { task: UPSTREAM_TASKS.ledgerFold } },
  ];
}

/** Runs one upstream task; every task is idempotent, so a tick run twice does no harm. */
export async function runUpstreamTask(core: Core, log: Logger, task: string, now = new Date()): Promise<Record<string, number> | 'unknown'> {
  const em = core.em();
  switch (task) {
    case UPSTREAM_TASKS.monitorOfflineSweep: {
      const swept = await em.transactional(async (tx) => {
        const { clients, accounts } = await core.monitorClients.sweepOffline(tx, now);
        const thirdPartyAccounts = await core.thirdPartyAccounts.sweepOffline(tx, now);
        return { clients, accounts, thirdPartyAccounts };
      });
      if (swept.clients + swept.accounts + swept.thirdPartyAccounts > 0) log.info(swept, 'monitors went offline');
      return swept;
    }
    case UPSTREAM_TASKS.reportReplayPrune:
      return { pruned: await core.reportReplays.prune(em, now) };
    case UPSTREAM_TASKS.payInExpiry: {
      const result = await core.payins.expireDue(em, now);
      if (result.expired > 0) log.debug(result, 'pay-ins expired');
      return result;
    }
    case UPSTREAM_TASKS.ledgerFold:
      return { accounts: await core.ledger.foldPendingCredits(em) };
    default:
      log.warn({ task }, 'upstream: unknown task; dropped');
      return 'unknown';
  }
}

/**
 * The upstream-polling worker: maintenance on a schedule (BullMQ job schedulers, one per
 * task, upserted by id by every process that runs workers, so the installation has one
 * schedule however many processes run), plus any task a plugin enqueues on `upstream`.
 */
export const upstreamPollingWorker: WorkerDefinition = {
  queue: 'upstream',
  concurrency: 1,
  schedules: upstreamSchedules,
  create: (core, log) => async (job: Job<QueuePayloads['upstream']>) => runUpstreamTask(core, log, job.data.task),
};
