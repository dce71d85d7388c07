import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBase, setupTestCore } from '../../test/support/core.js';
import { accountWithId, issueMonitorMerchant, nowSeconds, postJson, signed } from '../../test/support/doc000.js';
import { startHttp } from '../../test/support/doc004.js';
import { backendsWaitingForLocks } from '../../test/support/lock-waits.js';
import { waitFor } from '../../test/support/processes.js';
import { silentLog } from '../../test/support/redis.js';
import { CredentialKind, MerchantStatus } from '../entities/index.js';
import { credentialChangeListener } from './credential-changes.js';

// LISTEN/NOTIFY and the triggers are PostgreSQL's, so this file always runs against the
// local server. The longest keep is a minute: within these tests only a notification (or
// the loss of the listening connection) can make a kept key go.
const core = await setupTestCore({ SIGNING_KEY_CACHE_MS: '60000' }, { databaseBase: postgresBase });
const keys = core.credentials.signingKeys;
const listener = credentialChangeListener(core.databaseUrl, keys, silentLog, 300);
const operator = new pg.Client({ connectionString: core.databaseUrl });
let http: Awaited<ReturnType<typeof startHttp>>;

beforeAll(async () => {
  await operator.connect();
  http = await startHttp(core);
  listener.start();
  expect(await waitFor(async () => listener.backendPid !== null, 10_000, 10)).toBe(true);
});
afterAll(async () => {
  await http.app.close();
  await listener.stop();
  await operator.end();
});

const open = (pid: string) => core.credentials.openSigningKey(core.em(), CredentialKind.ReportKey, pid);

/** Runs `change` and waits until this process has heard of it. */
async function heard(change: () => Promise<unknown>): Promise<void> {
  const before = keys.generation;
  await change();
  expect(await waitFor(async () => keys.generation !== before, 5000, 2)).toBe(true);
}

describe('opened signing keys kept while credential changes are heard (PostgreSQL)', () => {
  it('answer from memory: a second lookup does not wait for a table another connection holds locked', async () => {
    const shop = await issueMonitorMerchant(core, 'Kept Key Shop');
    expect((await open(shop.pid))?.secret).toBe(shop.key);
    await operator.query('begin');
    try {
      await operator.query('lock table credential in access exclusive mode');
      const second = await Promise.race([open(shop.pid), new Promise((r) => setTimeout(() => r('waited'), 1000))]);
      expect(second).toMatchObject({ merchant: { id: shop.id }, secret: shop.key });
    } finally {
      await operator.query('rollback');
    }
  });

  it('do not let a lookup begun before a heard change answer the requests that arrive after it', async () => {
    const shop = await issueMonitorMerchant(core, 'Joined Late Shop');
    const notifier = new pg.Client({ connectionString: core.databaseUrl });
    await notifier.connect();
    // Two pooled connections open before the lock, for the two lookups.
    await Promise.all([1, 2].map(() => core.em().getConnection().execute('select pg_sleep(0.05)')));
    await operator.query('begin');
    try {
      await operator.query('lock table credential in access exclusive mode');
      const before = open(shop.pid);
      expect(await waitFor(async () => (await backendsWaitingForLocks(operator)) === 1, 5000, 10)).toBe(true);
      await heard(() => notifier.query(`select pg_notify('paymesh_credentials', '')`));
      const after = open(shop.pid);
      // The second request makes a lookup of its own instead of joining the first.
      expect(await waitFor(async () => (await backendsWaitingForLocks(operator)) === 2, 5000, 10)).toBe(true);
      await operator.query('rollback');
      expect((await before)?.secret).toBe(shop.key);
      expect((await after)?.secret).toBe(shop.key);
    } finally {
      await operator.query('rollback').catch(() => undefined);
      await notifier.end();
    }
  });

  it('read the key again once a rotation committed elsewhere is notified (an UPDATE from psql)', async () => {
    const shop = await issueMonitorMerchant(core, 'Rotated Elsewhere Shop');
    expect((await open(shop.pid))?.secret).toBe(shop.key);
    await heard(() =>
      operator.query("update credential set secret_sealed = $1 where kind = 'report_key' and lookup = $2", [core.secrets.seal('rotated-by-hand'), shop.pid]),
    );
    expect((await open(shop.pid))?.secret).toBe('rotated-by-hand');
  });

  it('answer 404 to the next report once the merchant is disabled through the admin service', async () => {
    const shop = await issueMonitorMerchant(core, 'Disabled Later Shop');
    await accountWithId(core, shop.id, 4100 + shop.id);
    const heartbeat = () => postJson(`${http.url}/api/report/${shop.pid}/heart`, signed({ client_name: 'phone', channel_id: 4100 + shop.id, timestamp: nowSeconds() }, shop.key));
    expect((await heartbeat()).json.code).toBe(200);
    expect(keys.find(`${CredentialKind.ReportKey} ${shop.pid}`)).toBeDefined();
    await heard(() => core.merchants.update(core.em(), shop.id, { status: MerchantStatus.Disabled }, 'admin'));
    expect(await heartbeat()).toMatchObject({ status: 404, json: { code: 404, message: '商户不存在' } });
  });

  it('are not notified of what cannot change a key (a merchant renamed, a credential added)', async () => {
    const shop = await issueMonitorMerchant(core, 'Renamed Shop');
    await open(shop.pid);
    const before = keys.generation;
    await core.merchants.update(core.em(), shop.id, { name: 'Renamed Shop 2' }, 'admin');
    await issueMonitorMerchant(core, 'Another Shop');
    // A notification would have arrived within this (the ones above took a few ms).
    await new Promise((r) => setTimeout(r, 300));
    expect(keys.generation).toBe(before);
    expect(keys.find(`${CredentialKind.ReportKey} ${shop.pid}`)).toBeDefined();
  });

  it('are all forgotten while the listening connection is lost, and kept again once it listens again', async () => {
    const shop = await issueMonitorMerchant(core, 'Deaf Spell Shop');
    await open(shop.pid);
    expect(keys.size).toBeGreaterThan(0);
    const first = listener.backendPid!;
    await operator.query('select pg_terminate_backend($1)', [first]);
    expect(await waitFor(async () => listener.backendPid === null, 5000, 2)).toBe(true);
    expect(keys.size).toBe(0);
    // Deaf: a lookup reads, and keeps nothing.
    expect((await open(shop.pid))?.secret).toBe(shop.key);
    expect(keys.size).toBe(0);
    expect(await waitFor(async () => listener.backendPid !== null, 5000, 10)).toBe(true);
    expect(listener.backendPid).not.toBe(first);
    await open(shop.pid);
    expect(keys.find(`${CredentialKind.ReportKey} ${shop.pid}`)).toBeDefined();
  });
});
