import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { CallbackAttempt, CallbackDelivery, CallbackStatus, OutboxMessage } from '../core/entities/index.js';
import type { CallbackProfileName } from '../core/services/callback-profiles.js';
import { oweCallback } from '../core/services/callbacks.js';
import { receiversClosedAfterEach } from '../test/support/callback-receiver.js';
import { setupTestCore } from '../test/support/core.js';
import { waitFor } from '../test/support/processes.js';

import { callbackDeliveryWorker } from './callback-delivery.js';
import { startQueuePipeline } from '../test/support/queue-pipeline.js';

const core = await setupTestCore({
  CALLBACK_ALLOW_LOOPBACK: 'true',
  CALLBACK_RETRY_SCALE: '0.001',
  CALLBACK_TIMEOUT_MS: '400',
  OUTBOX_POLL_MS: '50',
});
const pipeline = startQueuePipeline(core, 'callbacks', [callbackDeliveryWorker]);
const { prefix, producer } = pipeline;
const queue = new Queue('callbacks', { connection: producer, prefix });

afterAll(async () => {
  await queue.close();
  await pipeline.close();
});

const receiver = receiversClosedAfterEach();

/** Owes a callback the way a dialect does: in a transaction, then nudges the relay. */
async function owe(profile: CallbackProfileName, url: string, body: string): Promise<string> {
  const id = await core.em().transactional(async (tx) => oweCallback(tx, { profile, merchantId: null, subject: { type: 'test', id: 1 }, url, body }));
  core.outboxCommitted();
  return id;
}

async function settled(id: string, ms = 8000): Promise<void> {
  const done = await waitFor(async () => (await core.callbacks.byId(core.em(), id))?.status !== CallbackStatus.Pending, ms, 25);
  if (!done) throw new Error(`delivery ${id} still pending after ${ms} ms`);
}

async function outboxCompletedAt(id: string): Promise<Date | null | undefined> {
  return (await core.em().findOneOrFail(OutboxMessage, { id })).completedAt;
}

describe('callback delivery worker', () => {
  it('retries a receiver answering 500 twice, then records delivery on `success`', async () => {
    const replies = [{ status: 500, body: 'oops' }, { status: 500, body: 'oops again' }, { status: 200, body: 'success' }];
    const r = await receiver((_req, i) => replies[i] ?? { status: 200, body: 'success' });
    const body = 'amount=100.00&appKey=ak_1&channel=1&mrn=M-1&originAmount=100.00&sign=0123456789abcdef0123456789abcdef';
    const id = await owe('doc004', `${r.url}/notify`, body);
    await settled(id);

    const delivery = await core.callbacks.byId(core.em(), id);
    expect(delivery).toMatchObject({ status: CallbackStatus.Delivered, attemptCount: 3, nextAttemptAt: null });
    expect(delivery!.deliveredAt).toBeInstanceOf(Date);
    const attempts = await core.callbacks.listAttempts(core.em(), id);
    expect(attempts.map((a) => [a.number, a.httpStatus, a.success, a.replySnippet, a.error])).toEqual([
      [1, 500, false, 'oops', null],
      [2, 500, false, 'oops again', null],
      [3, 200, true, 'success', null],
    ]);
    for (const a of attempts) expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    // Attempts follow the (scaled) schedule: 15 ms, then 60 ms apart at least.
    expect(attempts[1]!.startedAt.getTime() - attempts[0]!.startedAt.getTime()).toBeGreaterThanOrEqual(15);
    expect(attempts[2]!.startedAt.getTime() - attempts[1]!.startedAt.getTime()).toBeGreaterThanOrEqual(60);

    expect(r.requests).toHaveLength(3);
    for (const [i, req] of r.requests.entries()) {
      expect(req.body.equals(Buffer.from(body, 'utf8'))).toBe(true);
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/notify');
      expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(req.headers['user-agent']).toBe('paymesh-callback/1');
      expect(req.headers['x-paymesh-delivery']).toBe(id);
      expect(req.headers['x-paymesh-attempt']).toBe(String(i + 1));
    }
    expect(await outboxCompletedAt(id)).toBeInstanceOf(Date);
  });

  it('does not take HTTP 200 with body `ok` as a 004 acknowledgement', async () => {
    const r = await receiver((_req, i) => ({ status: 200, body: i === 0 ? 'ok' : 'success' }));
    const id = await owe('doc004', `${r.url}/cb`, 'a=1');
    await settled(id);
    const attempts = await core.callbacks.listAttempts(core.em(), id);
    expect(attempts.map((a) => [a.httpStatus, a.replySnippet, a.success])).toEqual([
      [200, 'ok', false],
      [200, 'success', true],
    ]);
  });

  it('gives up when the schedule is exhausted, completes the outbox row and stops calling', async () => {
    const r = await receiver(() => ({ status: 503, body: 'busy' }));
    const id = await owe('doc002', `${r.url}/operator`, 'uid=1&order_no=X&status=4&sign=s');
    await settled(id);
    const delivery = await core.callbacks.byId(core.em(), id);
    expect(delivery).toMatchObject({ status: CallbackStatus.GivenUp, attemptCount: 3, nextAttemptAt: null, deliveredAt: null });
    expect((await core.callbacks.listAttempts(core.em(), id)).map((a) => a.httpStatus)).toEqual([503, 503, 503]);
    expect(await outboxCompletedAt(id)).toBeInstanceOf(Date);
    // What document 002 asks: the subject can tell that its operator was never told.
    const forSubject = await core.callbacks.forSubject(core.em(), { type: 'test', id: 1 });
    expect(forSubject.find((d) => d.id === id)?.status).toBe(CallbackStatus.GivenUp);
    expect(await waitFor(async () => (await queue.getJobState(id)) === 'completed', 2000, 25)).toBe(true);
    await new Promise((res) => setTimeout(res, 150));
    expect(r.requests).toHaveLength(3);
  });

  it('records a receiver that never answers as a timeout within CALLBACK_TIMEOUT_MS', async () => {
    const r = await receiver(() => 'hang');
    const id = await owe('doc002', `${r.url}/slow`, 'x=1');
    await settled(id);
    const attempts = await core.callbacks.listAttempts(core.em(), id);
    expect(attempts).toHaveLength(3);
    for (const a of attempts) {
      expect(a).toMatchObject({ httpStatus: null, success: false, error: 'timeout after 400 ms', replySnippet: null });
      expect(a.latencyMs).toBeGreaterThanOrEqual(390);
      expect(a.latencyMs).toBeLessThan(1400);
    }
    expect(r.requests).toHaveLength(3);
  });

  it('records a connection error as an attempt error', async () => {
    const r = await receiver(() => ({ status: 200, body: 'ok' }));
    const url = `${r.url}/gone`;
    await r.close();
    const id = await owe('doc002', url, 'x=1');
    await settled(id);
    const attempts = await core.callbacks.listAttempts(core.em(), id);
    expect(attempts.map((a) => a.error)).toEqual([expect.stringMatching(/ECONNREFUSED/), expect.stringMatching(/ECONNREFUSED/), expect.stringMatching(/ECONNREFUSED/)]);
  });

  it('resends a given-up callback as a new, audited delivery with the same bytes', async () => {
    let answer = 'no';
    const r = await receiver(() => ({ status: 200, body: answer }));
    const id = await owe('doc002', `${r.url}/operator`, 'uid=7&order_no=R-1&status=4&sign=abc');
    await settled(id);
    expect((await core.callbacks.byId(core.em(), id))!.status).toBe(CallbackStatus.GivenUp);

    answer = 'ok';
    const fresh = await core.callbacks.resend(core.em(), id, 'cli');
    expect(fresh.id).not.toBe(id);
    await settled(fresh.id);
    expect((await core.callbacks.byId(core.em(), fresh.id))!.status).toBe(CallbackStatus.Delivered);
    expect(await core.callbacks.listAttempts(core.em(), id)).toHaveLength(3);
    expect(await core.callbacks.listAttempts(core.em(), fresh.id)).toHaveLength(1);
    expect(r.requests).toHaveLength(4);
    expect(r.requests[3]!.body.equals(r.requests[0]!.body)).toBe(true);
    expect(r.requests[3]!.headers['x-paymesh-delivery']).toBe(fresh.id);
  });

  it('records each of many concurrent deliveries exactly once, even with a second job racing for some', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const ids = await core.em().transactional(async (tx) => {
      const owed: string[] = [];
      for (let i = 0; i < 40; i++) owed.push(await oweCallback(tx, { profile: 'doc004', merchantId: null, subject: { type: 'burst', id: i }, url: `${r.url}/burst`, body: `n=${i}` }));
      return owed;
    });
    // Second jobs for the same deliveries, queued before the relay adds the first ones.
    const raced = ids.slice(0, 5);
    await queue.addBulk(raced.map((id) => ({ name: 'callbacks', data: { deliveryId: id }, opts: { jobId: `${id}-race` } })));
    core.outboxCommitted();
    for (const id of ids) await settled(id);
    for (const id of raced) expect(await waitFor(async () => (await queue.getJobState(`${id}-race`)) === 'completed', 3000, 25)).toBe(true);

    // Exactly once per attempt number: no number twice, none skipped, each counted on its
    // delivery (a slow reply on a loaded machine may time out once and be retried).
    const attempts = await core.em().find(CallbackAttempt, { delivery: { $in: ids } }, { orderBy: { number: 'asc' } });
    const deliveries = new Map((await core.em().find(CallbackDelivery, { id: { $in: ids } })).map((d) => [d.id, d]));
    expect(attempts).toHaveLength([...deliveries.values()].reduce((n, d) => n + d.attemptCount, 0));
    const sent = r.requests.map((req) => req.headers['x-paymesh-delivery']);
    for (const id of ids) {
      const delivery = deliveries.get(id)!;
      const own = attempts.filter((a) => a.delivery.id === id);
      expect(delivery.status).toBe(CallbackStatus.Delivered);
      expect(own.map((a) => a.number)).toEqual(Array.from({ length: delivery.attemptCount }, (_, i) => i + 1));
      expect(own.at(-1)).toMatchObject({ httpStatus: 200, success: true });
      expect(await outboxCompletedAt(id)).toBeInstanceOf(Date);
      // Each attempt is one request; a raced delivery's second job may have sent each attempt too (at-least-once).
      const times = sent.filter((s) => s === id).length;
      if (raced.includes(id)) expect(times).toBeGreaterThanOrEqual(delivery.attemptCount);
      if (raced.includes(id)) expect(times).toBeLessThanOrEqual(2 * delivery.attemptCount);
      else expect(times).toBe(delivery.attemptCount);
    }
  });

  it('a second job for a finished delivery sends nothing', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const id = await owe('doc004', `${r.url}/cb`, 'a=1');
    await settled(id);
    const duplicate = await queue.add('callbacks', { deliveryId: id }, { jobId: `${id}-duplicate` });
    expect(await waitFor(async () => (await queue.getJobState(duplicate.id!)) === 'completed', 3000, 25)).toBe(true);
    expect((await queue.getJob(duplicate.id!))!.returnvalue).toBe(CallbackStatus.Delivered);
    expect(r.requests).toHaveLength(1);
  });
});
