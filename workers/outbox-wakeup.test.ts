import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWakeupListener, outboxWakeupSender } from '../core/outbox/wakeup.js';
import { oweCallback } from '../core/services/callbacks.js';
import { receiversClosedAfterEach, startCallbackReceiver } from '../test/support/callback-receiver.js';
import { postgresBase, setupTestCore } from '../test/support/core.js';
import { waitFor } from '../test/support/processes.js';
import { dropPrefix, silentLog, testRedisUrl, uniquePrefix } from '../test/support/redis.js';
import { OutboxRelay } from './outbox-relay.js';
import { producerConnection } from './redis.js';

// LISTEN/NOTIFY is PostgreSQL's, so this file always runs against the local server. The
// relay polls once a minute: within these tests only a notification can make it move. The
// writer's side is the `api` role's: its commits call the sender, never the relay.
const core = await setupTestCore({ CALLBACK_ALLOW_LOOPBACK: 'true', CALLBACK_FIRST_ATTEMPTS: '8' }, { databaseBase: postgresBase });
const prefix = uniquePrefix('wakeup');
const producer = producerConnection(testRedisUrl);
const relay = new OutboxRelay(core, producer, silentLog, { pollMs: 60_000, prefix, firstAttempts: { limit: 8 } });
const listener = new OutboxWakeupListener(core.databaseUrl, () => relay.nudge(), silentLog, 100);
const observer = new pg.Client({ connectionString: core.databaseUrl });
const receiver = receiversClosedAfterEach();
const wakeRelays = outboxWakeupSender(core, silentLog);
let owed = 0;

beforeAll(async () => {
  await observer.connect();
  // The relay makes a pass when its Redis connection becomes ready: not during the tests.
  expect(await waitFor(async () => producer.status === 'ready', 10_000, 10)).toBe(true);
  relay.start();
  listener.start();
  expect(await waitFor(async () => listener.backendPid !== null, 10_000, 10)).toBe(true);
  // One delivery end to end, so the passes of the start (and of the listener's first
  // wake-up) are over before a test counts on the relay being still.
  const warmup = await startCallbackReceiver(() => ({ status: 200, body: 'success' }));
  await oweOne(`${warmup.url}/cb`, wakeRelays);
  await warmup.waitForRequests(1, 10_000);
  await warmup.close();
});

afterAll(async () => {
  await listener.stop();
  await relay.stop();
  await dropPrefix(producer, prefix);
  producer.disconnect();
  await observer.end();
});

/** Owes one callback in a committed transaction, then does what the committing process does after. */
async function oweOne(url: string, afterCommit: () => void): Promise<void> {
  await core.em().transactional((tx) => oweCallback(tx, { profile: 'doc004', merchantId: null, subject: { type: 'wakeup', id: ++owed }, url, body: `n=${owed}` }));
  afterCommit();
}

describe('relays woken by PostgreSQL notifications (api and workers in separate processes)', () => {
  it('without a notification the relay does not move before its poll (so the tests below can fail)', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    await oweOne(`${r.url}/cb`, () => undefined);
    await expect(r.waitForRequests(1, 1500)).rejects.toThrow();
    // Woken now, it delivers what waited.
    wakeRelays();
    await r.waitForRequests(1, 5000);
  });

  it('delivers a callback committed on another connection at once: the NOTIFY after the commit wakes the relay', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    await oweOne(`${r.url}/cb`, wakeRelays);
    await r.waitForRequests(1, 5000);
    expect(r.requests[0]!.body.toString()).toBe(`n=${owed}`);
  });

  it('listens again after its connection is killed, and wakes the relay for what was committed meanwhile', async () => {
    const first = listener.backendPid!;
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    await observer.query('select pg_terminate_backend($1)', [first]);
    // It notices the loss and waits 100 ms before listening again.
    expect(await waitFor(async () => listener.backendPid === null, 5000, 5)).toBe(true);
    // Committed (and notified) while nobody listens: the relay is woken once it listens again.
    await oweOne(`${r.url}/cb`, wakeRelays);
    await r.waitForRequests(1, 5000);
    expect(listener.backendPid).not.toBe(first);
    expect(listener.backendPid).not.toBeNull();
    const again = await receiver(() => ({ status: 200, body: 'success' }));
    await oweOne(`${again.url}/cb`, wakeRelays);
    await again.waitForRequests(1, 5000);
  });
});
