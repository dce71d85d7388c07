import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackStatus, OutboxMessage } from '../core/entities/index.js';
import { oweWork } from '../core/outbox/outbox.js';
import { oweCallback } from '../core/services/callbacks.js';
import { receiversClosedAfterEach } from '../test/support/callback-receiver.js';
import { setupTestCore } from '../test/support/core.js';
import { PrivateRedis } from '../test/support/private-redis.js';
import { freePort, waitFor } from '../test/support/processes.js';
import { startQueuePipeline } from '../test/support/queue-pipeline.js';
import { silentLog } from '../test/support/redis.js';
import { callbackDeliveryWorker } from './callback-delivery.js';
import { OutboxRelay } from './outbox-relay.js';
import { producerConnection } from './redis.js';

// Room for two first attempts at once, so a test can fill it.
const core = await setupTestCore({
  CALLBACK_ALLOW_LOOPBACK: 'true',
  CALLBACK_RETRY_SCALE: '0.001',
  CALLBACK_TIMEOUT_MS: '400',
  OUTBOX_POLL_MS: '50',
  CALLBACK_FIRST_ATTEMPTS: '2',
});
const pipeline = startQueuePipeline(core, 'first-attempts', [callbackDeliveryWorker]);
const callbacksQueue = new Queue('callbacks', { connection: pipeline.producer, prefix: pipeline.prefix });
const smsQueue = new Queue('sms', { connection: pipeline.producer, prefix: pipeline.prefix });

beforeAll(async () => {
  // Tests inspect the queues (and one sweeps): they start once the relay's connection is up.
  await waitFor(async () => pipeline.producer.status === 'ready', 5000, 10);
});

afterAll(async () => {
  await callbacksQueue.close();
  await smsQueue.close();
  await pipeline.close();
});

const receiver = receiversClosedAfterEach();

async function owe(urls: string[]): Promise<string[]> {
  const ids = await core.em().transactional(async (tx) => {
    const owed: string[] = [];
    for (const [i, url] of urls.entries()) owed.push(await oweCallback(tx, { profile: 'doc004', merchantId: null, subject: { type: 'first', id: i }, url, body: `n=${i}` }));
    return owed;
  });
  core.outboxCommitted();
  return ids;
}

async function settled(id: string): Promise<void> {
  const done = await waitFor(async () => (await core.callbacks.byId(core.em(), id))?.status !== CallbackStatus.Pending, 8000, 25);
  if (!done) throw new Error(`delivery ${id} still pending`);
}

describe('callback first attempts made by the outbox relay', () => {
  it('delivers a callback without a BullMQ job and completes its outbox row', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const [id] = await owe([`${r.url}/cb`]);
    await settled(id!);
    expect(await core.callbacks.byId(core.em(), id!)).toMatchObject({ status: CallbackStatus.Delivered, attemptCount: 1 });
    const row = await core.em().findOneOrFail(OutboxMessage, { id: id! });
    expect(row.relayedAt).toBeInstanceOf(Date);
    expect(row.completedAt).toBeInstanceOf(Date);
    expect(await callbacksQueue.getJob(id!)).toBeUndefined();
    expect(r.requests.map((q) => q.headers['x-paymesh-attempt'])).toEqual(['1']);
  });

  it('hands a delivery whose first attempt failed to a delayed BullMQ job for its retries', async () => {
    const r = await receiver((_req, i) => (i === 0 ? { status: 500, body: 'down' } : { status: 200, body: 'success' }));
    const [id] = await owe([`${r.url}/cb`]);
    await settled(id!);
    const attempts = await core.callbacks.listAttempts(core.em(), id!);
    expect(attempts.map((a) => [a.number, a.httpStatus, a.success])).toEqual([
      [1, 500, false],
      [2, 200, true],
    ]);
    // The retry waited for the (scaled) schedule, and was made by the job of that delivery.
    expect(attempts[1]!.startedAt.getTime() - attempts[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(15);
    expect(await waitFor(async () => (await callbacksQueue.getJobState(id!)) === 'completed', 3000, 25)).toBe(true);
    expect((await core.em().findOneOrFail(OutboxMessage, { id: id! })).completedAt).toBeInstanceOf(Date);
  });

  it('keeps the retry schedule when a sweep added the job while the first attempt ran', async () => {
    const r = await receiver((_req, i) => (i === 0 ? 'hang' : { status: 200, body: 'success' }));
    const [id] = await owe([`${r.url}/swept`]);
    await r.waitForRequests(1, 3000);
    // The row is claimed and relayed but has no job: the sweep adds one, delayed to the claim's end (30 s).
    expect(await pipeline.relay.sweepOnce()).toBe(1);
    expect(await callbacksQueue.getJobState(id!)).toBe('delayed');
    // The first attempt times out (400 ms); the retry is due ~15 ms later, not at the claim's end.
    await settled(id!);
    const attempts = await core.callbacks.listAttempts(core.em(), id!);
    expect(attempts.map((a) => [a.number, a.success])).toEqual([
      [1, false],
      [2, true],
    ]);
  });

  it('attempts no more at once than CALLBACK_FIRST_ATTEMPTS; the rest wait in the outbox while other topics flow', async () => {
    // The first attempts of all four hang until they time out; the retries are acknowledged.
    const r = await receiver((_req, i) => (i < 4 ? 'hang' : { status: 200, body: 'success' }));
    const ids = await owe([1, 2, 3, 4].map((n) => `${r.url}/slow-${n}`));
    const smsId = await core.em().transactional((tx) => oweWork(tx, 'sms', { messageId: 'queued-behind-nothing' }));
    core.outboxCommitted();

    await r.waitForRequests(2, 3000);
    // The room is full: the sms row went to its queue, two requests are under way, a third
    // callback is claimed and waits for a slot (half the limit is claimed ahead), the fourth
    // waits unclaimed in the outbox.
    expect(await waitFor(async () => (await smsQueue.getJob(smsId)) !== undefined, 3000, 25)).toBe(true);
    expect(r.requests).toHaveLength(2);
    expect(await core.em().count(OutboxMessage, { id: { $in: ids }, relayedAt: null })).toBe(1);
    expect(await callbacksQueue.getJobs(['wait', 'delayed', 'active'])).toHaveLength(0);

    // When the first two time out (400 ms) the other two get their first attempts (the
    // first two's retries, attempt 2, may arrive in between).
    const firstAttempts = () => r.requests.filter((q) => q.headers['x-paymesh-attempt'] === '1');
    expect(await waitFor(async () => firstAttempts().length === 4, 3000, 10)).toBe(true);
    expect(new Set(firstAttempts().map((q) => q.headers['x-paymesh-delivery']))).toEqual(new Set(ids));
    for (const id of ids) await settled(id);
  });

  it('hands a callback released to a later time (Redis was down at its retry) to a delayed job, not to a first attempt', async () => {
    const id = '00000000-0000-4000-8000-00000000f2f2';
    const at = new Date(Date.now() + 60_000);
    await core.em().transactional((tx) => oweWork(tx, 'callbacks', { deliveryId: id }, { id, runAt: at }));
    core.outboxCommitted();
    expect(await waitFor(async () => (await callbacksQueue.getJob(id)) !== undefined, 3000, 25)).toBe(true);
    const job = (await callbacksQueue.getJob(id))!;
    expect(await job.isDelayed()).toBe(true);
    expect(job.timestamp + job.delay).toBeGreaterThan(at.getTime() - 2000);
    expect(await core.em().count(OutboxMessage, { id, relayedAt: { $ne: null }, completedAt: null })).toBe(1);
    await job.remove();
  });

  it('completes a claimed callback row that has no delivery behind it, sending nothing', async () => {
    const id = '00000000-0000-4000-8000-00000000f1f1';
    await core.em().transactional((tx) => oweWork(tx, 'callbacks', { deliveryId: id }, { id }));
    core.outboxCommitted();
    expect(await waitFor(async () => (await core.em().findOneOrFail(OutboxMessage, { id })).completedAt !== null, 3000, 25)).toBe(true);
    expect((await core.em().findOneOrFail(OutboxMessage, { id })).relayedAt).toBeInstanceOf(Date);
    expect(await callbacksQueue.getJob(id)).toBeUndefined();
  });

  it('never lets two relays attempt the same callback', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const second = new OutboxRelay(core, pipeline.producer, silentLog, { pollMs: 50, prefix: pipeline.prefix, firstAttempts: { limit: 2 } });
    second.start();
    try {
      const ids = await owe(Array.from({ length: 20 }, (_, i) => `${r.url}/race-${i}`));
      second.nudge();
      for (const id of ids) await settled(id);
      const sent = r.requests.map((q) => q.headers['x-paymesh-delivery']);
      for (const id of ids) expect(sent.filter((s) => s === id)).toHaveLength(1);
      expect(sent).toHaveLength(ids.length);
    } finally {
      await second.stop();
    }
  });
  it('goes on making first attempts while Redis is unreachable', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const down = new PrivateRedis(await freePort()); // never started
    const producer = producerConnection(down.url);
    producer.on('error', () => undefined);
    const relay = new OutboxRelay(core, producer, silentLog, { pollMs: 50, prefix: pipeline.prefix, firstAttempts: { limit: 2 } });
    try {
      // Last in the file: the pipeline's relay stops for good, so only the one without Redis takes this row.
      await pipeline.relay.stop();
      const [id] = await owe([`${r.url}/no-redis`]);
      expect(await relay.relayOnce()).toBe(1);
      await settled(id!);
      expect(await core.callbacks.byId(core.em(), id!)).toMatchObject({ status: CallbackStatus.Delivered, attemptCount: 1 });
    } finally {
      await relay.stop();
      producer.disconnect();
    }
  });

});
