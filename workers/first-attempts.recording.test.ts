import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, CallbackStatus } from '../core/entities/index.js';
import { oweCallback } from '../core/services/callbacks.js';
import { receiversClosedAfterEach } from '../test/support/callback-receiver.js';
import { postgresBase, setupTestCore } from '../test/support/core.js';
import { waitFor } from '../test/support/processes.js';
import { dropPrefix, silentLog, testRedisUrl, uniquePrefix } from '../test/support/redis.js';
import type { FirstAttempts } from './first-attempts.js';
import { OutboxRelay } from './outbox-relay.js';
import { producerConnection } from './redis.js';

// Records are held back by a real row lock another connection takes on the deliveries, which
// is PostgreSQL's to give (SQLite locks the whole file). The relay polls once a minute: every
// pass here is the test's own.
const LIMIT = 2;
const core = await setupTestCore({ CALLBACK_ALLOW_LOOPBACK: 'true', CALLBACK_TIMEOUT_MS: '2000' }, { databaseBase: postgresBase });
const prefix = uniquePrefix('first-attempts-recording');
const producer = producerConnection(testRedisUrl);
const relay = new OutboxRelay(core, producer, silentLog, { pollMs: 60_000, prefix, firstAttempts: { limit: LIMIT } });
const slots = relay.firstAttemptHandoff() as FirstAttempts;

afterAll(async () => {
  await relay.stop();
  await dropPrefix(producer, prefix);
  producer.disconnect();
});

const receiver = receiversClosedAfterEach();

async function owe(urls: string[]): Promise<string[]> {
  return core.em().transactional(async (tx) => {
    const owed: string[] = [];
    for (const [i, url] of urls.entries()) owed.push(await oweCallback(tx, { profile: 'doc004', merchantId: null, subject: { type: 'recording', id: i }, url, body: `n=${i}` }));
    return owed;
  });
}

const status = async (id: string) => (await core.em().findOneOrFail(CallbackDelivery, { id }, { disableIdentityMap: true })).status;

describe('first attempts whose outcomes are still being recorded', () => {
  it('free their request slots when the requests are over, and hold the claims back at twice the limit', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const ids = await owe(Array.from({ length: 3 * LIMIT }, (_, i) => `${r.url}/cb-${i}`));
    const locker = new pg.Client(core.databaseUrl);
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select id from callback_delivery where id = any($1::text[]) for update', [ids]);

      // The first claim takes the slots and half as many rows again, which wait for a slot.
      // Its requests are answered; their records wait on the lock, yet their slots are free
      // again: the waiting row is sent, the relay is nudged and claims what the bound allows.
      expect(await relay.relayOnce()).toBe(LIMIT + LIMIT / 2);
      await r.waitForRequests(2 * LIMIT, 3000);

      // Twice the limit unrecorded: no room, and the rest stays owed until records land.
      expect(await waitFor(async () => slots.room() === 0, 3000, 10)).toBe(true);
      await new Promise((wait) => setTimeout(wait, 300));
      expect(await relay.relayOnce()).toBe(0);
      expect(r.requests).toHaveLength(2 * LIMIT);
      expect(await status(ids[0]!)).toBe(CallbackStatus.Pending);

      await locker.query('commit');
      expect(await waitFor(async () => (await Promise.all(ids.map(status))).every((s) => s === CallbackStatus.Delivered), 5000, 25)).toBe(true);
      expect(r.requests).toHaveLength(3 * LIMIT);
      expect(await waitFor(async () => slots.room() === LIMIT + LIMIT / 2, 3000, 10)).toBe(true);
    } finally {
      await locker.end();
    }
  });
});
