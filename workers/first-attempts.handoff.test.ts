import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, CallbackStatus, Channel, OutboxMessage } from '../core/entities/index.js';
import { receiversClosedAfterEach } from '../test/support/callback-receiver.js';
import { postgresBase, setupTestCore } from '../test/support/core.js';
import { onlineAccount } from '../test/support/doc000.js';
import { waitFor } from '../test/support/processes.js';
import { dropPrefix, silentLog, testRedisUrl, uniquePrefix } from '../test/support/redis.js';
import type { FirstAttempts } from './first-attempts.js';
import { OutboxRelay } from './outbox-relay.js';
import { producerConnection } from './redis.js';

// The handoff rides on a trip transaction's committing trip, which is PostgreSQL's alone.
// The relay polls once a minute and nothing nudges it (the test core's outboxCommitted is a
// no-op): a callback that arrives in seconds was handed over by the commit that owed it.
const SLOTS = 2;
/** The relay's room with nothing under way: the request slots and half as many rows claimed ahead. */
const ROOM_AT_REST = SLOTS + SLOTS / 2;
const core = await setupTestCore({ CALLBACK_ALLOW_LOOPBACK: 'true', CALLBACK_TIMEOUT_MS: '1500' }, { databaseBase: postgresBase });
const prefix = uniquePrefix('first-attempts-handoff');
const producer = producerConnection(testRedisUrl);
const relay = new OutboxRelay(core, producer, silentLog, { pollMs: 60_000, prefix, firstAttempts: { limit: SLOTS } });
const slots = relay.firstAttemptHandoff() as FirstAttempts;
let merchantId = 0;
let accountId = 0;

beforeAll(async () => {
  await core.em().nativeUpdate(Channel, { id: 2 }, { plugin: 'monitor' });
  merchantId = (await core.merchants.create(core.em(), { name: 'Handoff Shop' })).merchant.id;
  accountId = (await onlineAccount(core, merchantId)).id;
  relay.start();
  core.offerFirstAttempts(slots);
});

afterAll(async () => {
  core.offerFirstAttempts(null);
  await relay.stop();
  await dropPrefix(producer, prefix);
  producer.disconnect();
});

const receiver = receiversClosedAfterEach();

/** Opens an order whose callback goes to `callbackUrl` and pays it with a monitor report. */
async function payOrder(callbackUrl: string) {
  const { order } = await core.payins.create(core.em(), {
    merchantId,
    mrn: randomUUID(),
    channelId: 2,
    amount: 1000 + Math.floor(Math.random() * 90_000),
    callbackUrl,
    returnUrl: 'https://shop.example/done',
    baseUrl: 'https://pay.example',
  });
  const outcome = await core.monitorReports.reportPayment(
    core.em(),
    { merchantId, amount: order.payableAmount, payType: 'alipay', channelCode: 'ali_qr', collectionAccountId: accountId, identity: { n: randomUUID() }, fields: {} },
    { caller: `merchant:${merchantId}`, signature: randomUUID(), timestamp: new Date() },
  );
  const delivery = await core.em().findOneOrFail(CallbackDelivery, { subjectType: 'payin', subjectId: order.publicId });
  return { outcome, deliveryId: delivery.id };
}

const outboxRow = (id: string) => core.em().findOneOrFail(OutboxMessage, { id });

describe('a paid order’s callback handed to first attempts by the commit that owes it', () => {
  it('is attempted and recorded without a relay pass, its outbox row written claimed and then completed', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    const { outcome, deliveryId } = await payOrder(`${r.url}/paid`);
    expect(outcome.callbackHandedOff).toBe(true);
    await r.waitForRequests(1, 3000);
    expect(r.requests[0]!.headers['x-paymesh-delivery']).toBe(deliveryId);
    expect(await waitFor(async () => (await core.callbacks.byId(core.em(), deliveryId))?.status === CallbackStatus.Delivered, 3000, 20)).toBe(true);
    const row = await outboxRow(deliveryId);
    expect(row.relayedAt).not.toBeNull();
    expect(row.completedAt).not.toBeNull();
    // Claimed on the wall clock until CALLBACK_LOCK_MS later, as the relay's own claims are.
    expect(row.runAt!.getTime() - row.relayedAt!.getTime()).toBeGreaterThanOrEqual(core.config.CALLBACK_LOCK_MS - 1000);
    expect(row.runAt!.getTime() - row.relayedAt!.getTime()).toBeLessThanOrEqual(core.config.CALLBACK_LOCK_MS + 1000);
    expect(slots.room()).toBe(ROOM_AT_REST);
  });

  it('is left to the relay when every slot is taken, the slots being the relay’s own room', async () => {
    const r = await receiver((_req, i) => (i < SLOTS ? 'hang' : { status: 200, body: 'success' }));
    const held = [await payOrder(`${r.url}/held-1`), await payOrder(`${r.url}/held-2`)];
    expect(held.map((h) => h.outcome.callbackHandedOff)).toEqual([true, true]);
    await r.waitForRequests(SLOTS, 3000);
    const { outcome, deliveryId } = await payOrder(`${r.url}/waits`);
    expect(outcome.callbackHandedOff).toBe(false);
    expect((await outboxRow(deliveryId)).relayedAt).toBeNull();
    // The held attempts time out (1.5 s), are recorded and free their slots (their retries
    // are BullMQ jobs no worker runs here); the relay, run here, claims the one that waited.
    expect(await waitFor(async () => slots.room() === ROOM_AT_REST, 5000, 20)).toBe(true);
    await relay.relayOnce();
    expect(await waitFor(async () => (await core.callbacks.byId(core.em(), deliveryId))?.status === CallbackStatus.Delivered, 3000, 20)).toBe(true);
    for (const { deliveryId: id } of held) {
      expect(await core.callbacks.byId(core.em(), id)).toMatchObject({ status: CallbackStatus.Pending, attemptCount: 1 });
    }
  });

  it('gives its slot back when the transaction does not commit, leaving nothing owed', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    // The callback row is refused by the database in the trip that would have committed.
    await core.em().execute("alter table callback_delivery add constraint refuse_test_url check (url not like '%/refused%')");
    try {
      await expect(payOrder(`${r.url}/refused`)).rejects.toThrow(/refuse_test_url/);
    } finally {
      await core.em().execute('alter table callback_delivery drop constraint refuse_test_url');
    }
    expect(slots.room()).toBe(ROOM_AT_REST);
    expect(await core.em().count(CallbackDelivery, { url: `${r.url}/refused` })).toBe(0);
    expect(r.requests).toHaveLength(0);
  });

  it('is left to a relay when this process offers no first attempts', async () => {
    const r = await receiver(() => ({ status: 200, body: 'success' }));
    core.offerFirstAttempts(null);
    try {
      const { outcome, deliveryId } = await payOrder(`${r.url}/offered-none`);
      expect(outcome.callbackHandedOff).toBe(false);
      expect((await outboxRow(deliveryId)).relayedAt).toBeNull();
      await relay.relayOnce();
      await r.waitForRequests(1, 3000);
    } finally {
      core.offerFirstAttempts(slots);
    }
  });
});
