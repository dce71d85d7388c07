import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBase, setupTestCore } from '../../test/support/core.js';
import { onlineAccount } from '../../test/support/doc000.js';
import { Channel, PayInOrder, PayInStatus, PaymentReport } from '../entities/index.js';
import { inTripTransaction } from './direct-sql.js';
import { runInOneTrip, type Statement } from './raw-sql.js';

// Trip transactions are PostgreSQL's alone, so this file always runs against the local
// PostgreSQL server. A pool of ONE connection: anything in a trip transaction that took a
// second connection from the pool would wait for it forever, and the test would time out.
const core = await setupTestCore({}, { databaseBase: postgresBase, poolSize: 1 });
const observer = new pg.Client({ connectionString: core.databaseUrl });

beforeAll(async () => {
  await observer.connect();
  await core.em().execute('create table trip_probe (id serial primary key, label text not null unique)');
});

afterAll(async () => {
  await observer.end();
});

const insert = (label: string): Statement => ({ sql: 'insert into trip_probe (label) values (?) returning id', params: [label], returnsRows: true });
const txStart: Statement = { sql: 'select now()::text as at, txid_current() as txid', params: [], returnsRows: true };

async function labelsSeenByOthers(prefix: string): Promise<string[]> {
  const { rows } = await observer.query<{ label: string }>('select label from trip_probe where label like $1 order by label', [`${prefix}%`]);
  return rows.map((r) => r.label);
}

describe('a trip transaction on PostgreSQL', () => {
  it('is one transaction across its trips, invisible to others until the trip marked last commits it', async () => {
    const p = randomUUID();
    let seenBeforeCommit: string[] = [];
    const [first, second] = await inTripTransaction(core.em(), async (tx) => {
      const [, a] = await runInOneTrip(tx, [insert(`${p}-a`), txStart]);
      seenBeforeCommit = await labelsSeenByOthers(p);
      const [, b] = await runInOneTrip(tx, [insert(`${p}-b`), txStart], { last: true });
      return [a![0]!, b![0]!];
    });
    expect(seenBeforeCommit).toEqual([]);
    expect(second).toEqual(first); // same transaction id and start time in both trips
    expect(await labelsSeenByOthers(p)).toEqual([`${p}-a`, `${p}-b`]);
  });

  it('commits on its own when the work ends without a trip marked last', async () => {
    const p = randomUUID();
    await inTripTransaction(core.em(), (tx) => runInOneTrip(tx, [insert(`${p}-a`)]));
    expect(await labelsSeenByOthers(p)).toEqual([`${p}-a`]);
  });

  it('rolls everything back when the work throws between trips, and its connection serves the next one', async () => {
    const p = randomUUID();
    await expect(
      inTripTransaction(core.em(), async (tx) => {
        await runInOneTrip(tx, [insert(`${p}-a`)]);
        throw new Error('refused after the first trip');
      }),
    ).rejects.toThrow('refused after the first trip');
    expect(await labelsSeenByOthers(p)).toEqual([]);
    await inTripTransaction(core.em(), (tx) => runInOneTrip(tx, [insert(`${p}-b`)], { last: true }));
    expect(await labelsSeenByOthers(p)).toEqual([`${p}-b`]);
  });

  it('commits nothing when a statement of the last trip fails, not even the statements before it', async () => {
    const p = randomUUID();
    await inTripTransaction(core.em(), (tx) => runInOneTrip(tx, [insert(`${p}-taken`)]));
    await expect(
      inTripTransaction(core.em(), async (tx) => {
        await runInOneTrip(tx, [insert(`${p}-a`)]);
        await runInOneTrip(tx, [insert(`${p}-b`), insert(`${p}-taken`)], { last: true });
      }),
    ).rejects.toThrow(/unique/);
    expect(await labelsSeenByOthers(p)).toEqual([`${p}-taken`]);
    // The connection was rolled back and given back in a usable state.
    await inTripTransaction(core.em(), (tx) => runInOneTrip(tx, [insert(`${p}-c`)], { last: true }));
    expect(await labelsSeenByOthers(p)).toEqual([`${p}-c`, `${p}-taken`]);
  });

  it('refuses a statement after the trip that committed', async () => {
    const p = randomUUID();
    await expect(
      inTripTransaction(core.em(), async (tx) => {
        await runInOneTrip(tx, [insert(`${p}-a`)], { last: true });
        await runInOneTrip(tx, [insert(`${p}-late`)]);
      }),
    ).rejects.toThrow('after the transaction committed');
    expect(await labelsSeenByOthers(p)).toEqual([`${p}-a`]);
  });

  it('carries a whole monitor report on the one connection, the ledger accounts looked up in the transaction', async () => {
    await core.em().nativeUpdate(Channel, { id: 2 }, { plugin: 'monitor' });
    const merchant = (await core.merchants.create(core.em(), { name: 'Trip Shop' })).merchant.id;
    const account = await onlineAccount(core, merchant);
    const { order } = await core.payins.create(core.em(), {
      merchantId: merchant,
      mrn: randomUUID(),
      channelId: 2,
      amount: 1500,
      callbackUrl: 'https://shop.example/notify',
      returnUrl: 'https://shop.example/done',
      baseUrl: 'https://pay.example',
    });
    const outcome = await core.monitorReports.reportPayment(
      core.em(),
      { merchantId: merchant, amount: order.payableAmount, payType: 'alipay', channelCode: 'ali_qr', collectionAccountId: account.id, identity: { n: randomUUID() }, fields: {} },
      { caller: `merchant:${merchant}`, signature: randomUUID(), timestamp: new Date() },
    );
    expect(outcome.order?.publicId).toBe(order.publicId);
    expect((await core.em().fork().findOneOrFail(PayInOrder, { id: order.id })).status).toBe(PayInStatus.Paid);
    expect((await core.em().fork().findOneOrFail(PaymentReport, { id: outcome.report.id })).status).toBe('matched');
    expect(await core.ledger.balance(core.em(), `merchant:${merchant}:available`)).toBe(order.payableAmount);
  });
});

describe('statements sent straight to a pooled connection', () => {
  it('binds each trip its own values, whether the text was numbered before or not, with lists, identifiers and escaped marks', async () => {
    const sum: Statement = { sql: 'select ?::int + ?::int as total, ?::text as label', params: [], returnsRows: true };
    const [first, second] = await runInOneTrip(core.em(), [
      { ...sum, params: [1, 2, 'one'] },
      { ...sum, params: [40, 2, 'two'] },
    ]);
    expect(first).toEqual([{ total: 3, label: 'one' }]);
    expect(second).toEqual([{ total: 42, label: 'two' }]);
    const [again] = await runInOneTrip(core.em(), [{ ...sum, params: [5, 5, "it's"] }]);
    expect(again).toEqual([{ total: 10, label: "it's" }]);

    const [listed, named, escaped] = await runInOneTrip(core.em(), [
      { sql: 'select count(*)::int as n from (values (1), (2), (3)) v (x) where x in (?)', params: [[1, 3]], returnsRows: true },
      { sql: 'select ?::text as ??', params: ['value', 'chosen name'], returnsRows: true },
      { sql: "select ?::text || '\\?' as marked", params: ['why'], returnsRows: true },
    ]);
    expect(listed).toEqual([{ n: 2 }]);
    expect(named).toEqual([{ 'chosen name': 'value' }]);
    expect(escaped).toEqual([{ marked: 'why?' }]);
    const [listedAgain] = await runInOneTrip(core.em(), [{ sql: 'select count(*)::int as n from (values (1), (2), (3)) v (x) where x in (?)', params: [[2]], returnsRows: true }]);
    expect(listedAgain).toEqual([{ n: 1 }]);
  });
});
