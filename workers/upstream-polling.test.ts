import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { CollectionAccount, ReportReplay, ThirdPartyAccount } from '../core/entities/index.js';
import { accountCode, PLATFORM_CLEARING } from '../core/services/ledger.js';
import { onPostgres, setupTestCore } from '../test/support/core.js';
import { waitFor } from '../test/support/processes.js';
import { dropPrefix, silentLog, testRedisUrl, uniquePrefix } from '../test/support/redis.js';
import { producerConnection } from './redis.js';
import { WorkerRuntime } from './runtime.js';
import { offlineSweepEveryMs, runUpstreamTask, UPSTREAM_TASKS, upstreamPollingWorker } from './upstream-polling.js';

const core = await setupTestCore({ HEARTBEAT_OFFLINE_SECONDS: '2' });
const prefix = uniquePrefix('upstream');
const producer = producerConnection(testRedisUrl);
// Two runtimes on one prefix: two processes of one installation.
const runtimes = [0, 1].map(() => new WorkerRuntime(core, testRedisUrl, prefix, silentLog, [upstreamPollingWorker]));

afterAll(async () => {
  await Promise.all(runtimes.map((r) => r.close()));
  await dropPrefix(producer, prefix);
  producer.disconnect();
});

async function silentAccount(): Promise<{ accountId: number; agentId: number }> {
  const { merchant } = await core.merchants.create(core.em(), { name: 'Sweep Shop' });
  const account = await core.collectionAccounts.create(core.em(), { merchantId: merchant.id, payType: 'alipay', channelCode: 'ali_qr', qrContent: 'q', clientName: 'phone' });
  const agent = await core.thirdPartyAccounts.create(core.em(), { merchantId: merchant.id, account: `A-${merchant.id}`, type: 1 });
  const longAgo = new Date(Date.now() - 10_000);
  await core.em().transactional(async (em) => {
    await core.monitorClients.heartbeat(em, { merchantId: merchant.id, clientName: 'phone', now: longAgo });
    await core.thirdPartyAccounts.heartbeat(em, agent.account.id, longAgo);
  });
  return { accountId: account.id, agentId: agent.account.id };
}

describe(`upstream-polling worker on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('keeps one job scheduler per task however many processes start, and its ticks sweep silent monitors offline', async () => {
    const { accountId, agentId } = await silentAccount();
    for (const r of runtimes) r.start();
    await Promise.all(runtimes.map((r) => r.scheduled()));
    const queue = new Queue('upstream', { connection: producer, prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((s) => s.key).sort()).toEqual(Object.values(UPSTREAM_TASKS).sort());
      expect(schedulers.find((s) => s.key === UPSTREAM_TASKS.monitorOfflineSweep)?.every).toBe(offlineSweepEveryMs(core.config));
    } finally {
      await queue.close();
    }
    const swept = await waitFor(
      async () =>
        !(await core.em().findOneOrFail(CollectionAccount, { id: accountId })).online && !(await core.em().findOneOrFail(ThirdPartyAccount, { id: agentId })).online,
      5000,
      50,
    );
    expect(swept).toBe(true);
  });

  it('runs each task idempotently: offline sweep, pay-in expiry, replay pruning, ledger fold; drops unknown tasks', async () => {
    const { accountId } = await silentAccount();
    const first = await runUpstreamTask(core, silentLog, UPSTREAM_TASKS.monitorOfflineSweep);
    expect(first).toMatchObject({ accounts: expect.any(Number) });
    expect((await core.em().findOneOrFail(CollectionAccount, { id: accountId })).online).toBe(false);
    expect(await runUpstreamTask(core, silentLog, UPSTREAM_TASKS.monitorOfflineSweep)).toEqual({ clients: 0, accounts: 0, thirdPartyAccounts: 0 });

    expect(await runUpstreamTask(core, silentLog, UPSTREAM_TASKS.payInExpiry)).toMatchObject({ expired: expect.any(Number), claimsReleased: expect.any(Number) });

    const em = core.em();
    const windowMs = core.config.REPORT_TIMESTAMP_WINDOW_SECONDS * 1000;
    em.create(ReportReplay, { caller: 'merchant:1', signature: 'old', createdAt: new Date(Date.now() - 2 * windowMs - 120_000) });
    em.create(ReportReplay, { caller: 'merchant:1', signature: 'recent', createdAt: new Date(Date.now() - windowMs) });
    await em.flush();
    expect(await runUpstreamTask(core, silentLog, UPSTREAM_TASKS.reportReplayPrune)).toEqual({ pruned: 1 });
    expect((await core.em().find(ReportReplay, { caller: 'merchant:1' })).map((r) => r.signature)).toEqual(['recent']);

    // A merchant's credit is appended pending a fold; the task folds it, and a second run finds nothing.
    const shop = await core.merchants.create(core.em(), { name: 'Fold Shop' });
    await core.em().transactional((tx) =>
      core.ledger.post(tx, { idempotencyKey: `fold:${shop.merchant.id}`, reason: 'test', merchantId: shop.merchant.id, legs: [{ account: PLATFORM_CLEARING, amount: -5 }, { account: accountCode(shop.merchant.id, 'available'), amount: 5 }] }),
    );
    expect(await runUpstreamTask(core, silentLog, UPSTREAM_TASKS.ledgerFold)).toEqual({ accounts: 1 });
    expect(await runUpstreamTask(core, silentLog, UPSTREAM_TASKS.ledgerFold)).toEqual({ accounts: 0 });

    expect(await runUpstreamTask(core, silentLog, 'no.such.task')).toBe('unknown');
  });
});
