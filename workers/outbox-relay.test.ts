import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { OutboxMessage } from '../core/entities/index.js';
import { completeWork, oweWork } from '../core/outbox/outbox.js';
import { setupTestCore } from '../test/support/core.js';
import { PrivateRedis } from '../test/support/private-redis.js';
import { freePort, waitFor } from '../test/support/processes.js';
import { dropPrefix, silentLog, testRedisUrl, uniquePrefix } from '../test/support/redis.js';
import { OutboxRelay } from './outbox-relay.js';
import { producerConnection, workerConnection } from './redis.js';

const core = await setupTestCore();

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A relay and a queue handle on a prefix of their own (the relay is not started: tests drive it). */
async function harness(redisUrl = testRedisUrl, opts: { waitForRedis: boolean } = { waitForRedis: true }) {
  const prefix = uniquePrefix('relay');
  const producer = producerConnection(redisUrl);
  producer.on('error', () => undefined);
  const relay = new OutboxRelay(core, producer, silentLog, { pollMs: 50, prefix, sweepEveryMs: 60_000 });
  const queue = new Queue('sms', { connection: producer, prefix });
  queue.on('error', () => undefined);
  // A relay pass skips while its connection is not ready; tests start once it is.
  if (opts.waitForRedis) await waitFor(async () => producer.status === 'ready', 5000, 10);
  cleanups.push(async () => {
    await relay.stop();
    await queue.close();
    if (producer.status === 'ready') await dropPrefix(producer, prefix);
    producer.disconnect();
  });
  return { prefix, producer, relay, queue };
}

/** Commits `n` rows owed to the `sms` queue (a queue no worker consumes here). */
async function commitRows(n: number): Promise<string[]> {
  return core.em().transactional(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push(await oweWork(tx, 'sms', { messageId: `m-${i}` }));
    return ids;
  });
}

async function jobIds(queue: Queue): Promise<string[]> {
  const jobs = await queue.getJobs(['wait', 'delayed', 'active', 'completed', 'failed', 'paused', 'prioritized']);
  return jobs.map((j) => j.id!).sort();
}

async function unrelayed(ids: string[]): Promise<number> {
  return core.em().count(OutboxMessage, { id: { $in: ids }, relayedAt: null });
}

/** Rows from earlier tests must not leak into a later test's counts. */
async function settleAllRows(): Promise<void> {
  await core.em().nativeUpdate(OutboxMessage, { completedAt: null }, { relayedAt: new Date(), completedAt: new Date() });
}

describe('outbox relay', () => {
  it('enqueues each committed row exactly once per job id, however often and however many relays run', async () => {
    await settleAllRows();
    const a = await harness();
    const other = new OutboxRelay(core, a.producer, silentLog, { pollMs: 50, prefix: a.prefix });
    cleanups.push(() => other.stop());
    const ids = await commitRows(30);

    const passes = await Promise.all([a.relay.relayOnce(), other.relayOnce(), a.relay.relayOnce(), other.relayOnce()]);
    expect(passes.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(30);
    await Promise.all([a.relay.relayOnce(), other.relayOnce(), a.relay.sweepOnce(), other.sweepOnce()]);
    expect(await a.relay.sweepOnce()).toBe(0);

    expect(await jobIds(a.queue)).toEqual([...ids].sort());
    expect(await a.queue.getJobCountByTypes('wait', 'delayed', 'prioritized')).toBe(30);
    expect(await unrelayed(ids)).toBe(0);
    const job = await a.queue.getJob(ids[0]!);
    expect(job!.data).toEqual({ messageId: 'm-0' });
  });

  it('relays a pass of mixed topics in one go: each queue gets its jobs with their delays, every row is stamped', async () => {
    await settleAllRows();
    const a = await harness();
    const callbacks = new Queue('callbacks', { connection: a.producer, prefix: a.prefix });
    cleanups.push(() => callbacks.close());
    const later = new Date(Date.now() + 60_000);
    const [sms, callback, unknown, delayed] = await core.em().transactional(async (tx) => [
      await oweWork(tx, 'sms', { messageId: 'm-1' }),
      await oweWork(tx, 'callbacks', { deliveryId: 'd-1' }),
      await oweWork(tx, 'no-such-queue', { x: 1 }),
      await oweWork(tx, 'sms', { messageId: 'm-2' }, { runAt: later }),
    ]);
    expect(await a.relay.relayOnce()).toBe(4);
    expect(await unrelayed([sms!, callback!, unknown!, delayed!])).toBe(0);
    expect(await jobIds(a.queue)).toEqual([sms!, delayed!].sort());
    expect(await a.queue.getJobState(delayed!)).toBe('delayed');
    expect(await a.queue.getJobState(sms!)).toBe('waiting');
    expect((await callbacks.getJob(callback!))!.data).toEqual({ deliveryId: 'd-1' });
    expect(await a.relay.relayOnce()).toBe(0);
  });

  it('re-adds a relayed job that Redis lost, and leaves completed rows alone', async () => {
    await settleAllRows();
    const a = await harness();
    const ids = await commitRows(5);
    expect(await a.relay.relayOnce()).toBe(5);
    await completeWork(core.em(), ids[4]!);

    await a.queue.obliterate({ force: true }); // Redis flushed, evicted, or restored from an old backup
    expect(await jobIds(a.queue)).toEqual([]);
    expect(await a.relay.relayOnce()).toBe(0); // rows are relayed already: only the sweep can notice
    expect(await a.relay.sweepOnce()).toBe(4);
    expect(await jobIds(a.queue)).toEqual(ids.slice(0, 4).sort());
    expect(await a.relay.sweepOnce()).toBe(0);
  });

  it('sweeps every owed row, not just the first page', async () => {
    await settleAllRows();
    const a = await harness();
    const ids = await commitRows(620);
    // Relayed long ago, and Redis has none of them (e.g. restored from an old snapshot).
    await core.em().nativeUpdate(OutboxMessage, { id: { $in: ids } }, { relayedAt: new Date() });
    expect(await a.relay.sweepOnce()).toBe(620);
    expect(await a.queue.getJobCountByTypes('wait', 'delayed', 'prioritized')).toBe(620);
    expect(await a.relay.sweepOnce()).toBe(0);
  });

  it('re-adds a job that failed for good while its row is still owed', async () => {
    await settleAllRows();
    const a = await harness();
    const [id] = await commitRows(1);
    await a.relay.relayOnce();
    const connection = workerConnection(testRedisUrl);
    const failing = new Worker('sms', async () => {
      throw new UnrecoverableError('provider refused');
    }, { connection, prefix: a.prefix });
    expect(await waitFor(async () => (await a.queue.getJobState(id!)) === 'failed', 5000, 25)).toBe(true);
    await failing.close();
    connection.disconnect();

    expect(await a.relay.sweepOnce()).toBe(1);
    expect(await a.queue.getJobState(id!)).toBe('waiting');
    expect(await jobIds(a.queue)).toEqual([id]);
  });

  it('keeps rows committed while Redis is down and enqueues them when it is back', async () => {
    await settleAllRows();
    const redis = new PrivateRedis(await freePort());
    cleanups.push(() => redis.stop());
    await redis.start();
    const a = await harness(redis.url);

    const [first] = await commitRows(1);
    expect(await a.relay.relayOnce()).toBe(1);

    await redis.stop();
    const whileDown = await commitRows(3);
    const t0 = Date.now();
    expect(await a.relay.relayOnce()).toBe(0); // fails gracefully and promptly: no throw, no hang
    expect(await a.relay.sweepOnce()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(await unrelayed(whileDown)).toBe(3);

    // The same server comes back (empty: it kept nothing); the running relay catches up.
    await redis.start();
    a.relay.start();
    expect(await waitFor(async () => (await unrelayed(whileDown)) === 0, 8000, 50)).toBe(true);
    // ...and its start-up sweep re-adds the row relayed before the outage, lost with Redis' memory.
    expect(await waitFor(async () => (await jobIds(a.queue)).length === 4, 5000, 50)).toBe(true);
    expect(await jobIds(a.queue)).toEqual([first!, ...whileDown].sort());
    await a.relay.stop(); // a running relay would take the next test's rows
  });

  it('does not hang when Redis is down from the start', async () => {
    await settleAllRows();
    const redis = new PrivateRedis(await freePort());
    cleanups.push(() => redis.stop());
    const a = await harness(redis.url, { waitForRedis: false });
    const ids = await commitRows(2);
    const t0 = Date.now();
    expect(await a.relay.relayOnce()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(3000);

    await redis.start();
    expect(await waitFor(async () => (await a.relay.relayOnce()) === 2, 8000, 100)).toBe(true);
    expect(await jobIds(a.queue)).toEqual([...ids].sort());
    expect(await unrelayed(ids)).toBe(0);
  });
});
