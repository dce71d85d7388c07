import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Channel } from '../core/entities/index.js';
import { startCallbackReceiver, type CallbackReceiver } from './support/callback-receiver.js';
import { postgresBase, setupTestCore } from './support/core.js';
import { issueMonitorMerchant, nowSeconds, onlineAccount, postJson, signed } from './support/doc000.js';
import { freePort, spawnOnTestDatabase, stopChildren, waitFor } from './support/processes.js';
import { dropPrefix, testRedisUrl, uniquePrefix } from './support/redis.js';
import { workerConnection } from '../workers/redis.js';

// The `api` and `workers` roles as two real processes on one PostgreSQL database, the relay
// polling once a minute: a paid order's callback that arrives within seconds was carried by
// the api's NOTIFY to the workers' LISTEN (core/outbox/wakeup.ts, app/roles.ts).
const core = await setupTestCore({}, { databaseBase: postgresBase });
const prefix = uniquePrefix('split-roles');
const observer = new pg.Client({ connectionString: core.databaseUrl });
const children: ChildProcess[] = [];
let receiver: CallbackReceiver;
let apiUrl = '';

/** Channel 2 (支付宝, pay type alipay) is served by the monitor plugin. */
const ALIPAY_CHANNEL = 2;

function startRole(role: 'api' | 'workers', port: number): ChildProcess {
  const child = spawnOnTestDatabase(
    'app/main.ts',
    [role],
    { databaseUrl: core.databaseUrl, secretKeyHex: core.secretKeyHex, redisPrefix: prefix },
    { HOST: '127.0.0.1', PORT: String(port), OUTBOX_POLL_MS: '60000', DATABASE_POOL_SIZE: '2' },
    ['ignore', 'ignore', 'inherit'],
  );
  children.push(child);
  return child;
}

beforeAll(async () => {
  await observer.connect();
  await core.em().nativeUpdate(Channel, { id: ALIPAY_CHANNEL }, { plugin: 'monitor' });
  receiver = await startCallbackReceiver(() => ({ status: 200, body: 'success' }));
  const apiPort = await freePort();
  apiUrl = `http://127.0.0.1:${apiPort}`;
  startRole('workers', await freePort());
  startRole('api', apiPort);
  const listening = async () => {
    const { rows } = await observer.query("select 1 from pg_stat_activity where datname = current_database() and query = 'listen paymesh_outbox'");
    return rows.length > 0;
  };
  expect(await waitFor(listening, 60_000, 100)).toBe(true);
  expect(await waitFor(async () => (await fetch(`${apiUrl}/readyz`)).ok, 60_000, 100)).toBe(true);
}, 90_000);

afterAll(async () => {
  await stopChildren(children, 'SIGTERM');
  await receiver.close();
  await observer.end();
  const redis = workerConnection(testRedisUrl);
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

it('a report paid through the api process reaches the merchant through the workers process without waiting for its poll', async () => {
  const shop = await issueMonitorMerchant(core, 'Split Roles Shop');
  const account = await onlineAccount(core, shop.id);
  const { order } = await core.payins.create(core.em(), {
    merchantId: shop.id,
    mrn: 'SPLIT-1',
    channelId: ALIPAY_CHANNEL,
    amount: 12_345,
    callbackUrl: `${receiver.url}/notify`,
    returnUrl: 'https://shop.example/done',
    baseUrl: 'http://127.0.0.1',
  });
  const reply = await postJson(
    `${apiUrl}/api/report/${shop.pid}/pc`,
    signed(
      { amount: order.payableAmount, pay_type: 'alipay', channel_code: 'ali_qr', channel_account_id: account.id, order_id: 'ALI-SPLIT-1', pay_time: '2024-01-01 12:00:00', timestamp: String(nowSeconds()) },
      shop.key,
    ),
  );
  expect(reply.json).toMatchObject({ code: 200, data: { status: 'matched', order_id: order.publicId } });
  // The relay polls once a minute: only the notification can bring this within 10 s.
  await receiver.waitForRequests(1, 10_000);
  expect(new URLSearchParams(receiver.requests[0]!.body.toString('utf8')).get('mrn')).toBe('SPLIT-1');
});
