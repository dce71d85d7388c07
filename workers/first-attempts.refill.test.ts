import { afterAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, CallbackStatus } from '../core/entities/index.js';
import { oweCallback } from '../core/services/callbacks.js';
import { receiversClosedAfterEach } from '../test/support/callback-receiver.js';
import { setupTestCore } from '../test/support/core.js';
import { waitFor } from '../test/support/processes.js';
import { dropPrefix, silentLog, testRedisUrl, uniquePrefix } from '../test/support/redis.js';
import { OutboxRelay } from './outbox-relay.js';
import { producerConnection } from './redis.js';

const core = await setupTestCore({ CALLBACK_ALLOW_LOOPBACK: 'true', CALLBACK_TIMEOUT_MS: '2000' });
const prefix = uniquePrefix('first-attempts-refill');
const producer = producerConnection(testRedisUrl);

afterAll(async () => {
  await dropPrefix(producer, prefix);
  producer.disconnect();
});

const receiver = receiversClosedAfterEach();

describe('a backlog of first attempts', () => {
  it('is claimed as room frees up, never waiting for the relay to poll', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    await core.em().transactional(async (tx) => {
      for (let i = 0; i < 60; i++) await oweCallback(tx, { profile: 'doc004', merchantId: null, subject: { type: 'refill', id: i }, url: `${r.url}/cb-${i}`, body: `n=${i}` });
    });
    // A poll a minute away: only the relay's own nudges (room freed) can move the backlog
    // after the first pass. Room for four, so the 60 need at least fifteen claims, and
    // attempts often end while a claim is on its way to the database.
    const relay = new OutboxRelay(core, producer, silentLog, { pollMs: 60_000, prefix, firstAttempts: { limit: 4 } });
    relay.start();
    try {
      const delivered = () => core.em().count(CallbackDelivery, { subjectType: 'refill', status: CallbackStatus.Delivered });
      expect(await waitFor(async () => (await delivered()) === 60, 10_000, 25)).toBe(true);
      expect(r.requests).toHaveLength(60);
    } finally {
      await relay.stop();
    }
  });
});
