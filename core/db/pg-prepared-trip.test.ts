import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBase, setupTestCore } from '../../test/support/core.js';
import { preparedStatementPolicy, sendPreparedTrip, type BoundStatement } from './pg-prepared-trip.js';
import { runInOneTrip, type Statement } from './raw-sql.js';

// Prepared trips are PostgreSQL's alone. A pool of ONE connection, so every trip below runs
// on the same connection and pg_prepared_statements (which shows the current session's
// statements) sees what the earlier trips left prepared.
const core = await setupTestCore({}, { databaseBase: postgresBase, poolSize: 1 });
const observer = new pg.Client({ connectionString: core.databaseUrl });

beforeAll(async () => {
  await observer.connect();
  await core.em().execute('create table prepared_probe (id serial primary key, label text not null unique, at timestamptz, doc jsonb, raw bytea, flag boolean)');
});

afterAll(async () => {
  await observer.end();
});

const trip = (statements: Statement[]) => runInOneTrip(core.em(), statements);
const select = (sql: string, params: unknown[] = []): Statement => ({ sql, params, returnsRows: true });

/** The statements this connection holds prepared whose text contains `fragment`, with how often each was run. */
async function preparedLike(fragment: string): Promise<Array<{ statement: string; runs: number }>> {
  const [rows] = await trip([
    select(`select statement, (generic_plans + custom_plans)::int as runs from pg_prepared_statements where strpos(statement, ?) > 0 and strpos(statement, 'pg_prepared_statements') = 0`, [fragment]),
  ]);
  return rows as Array<{ statement: string; runs: number }>;
}

async function labels(prefix: string): Promise<string[]> {
  const { rows } = await observer.query<{ label: string }>('select label from prepared_probe where label like $1 order by label', [`${prefix}%`]);
  return rows.map((r) => r.label);
}

describe('statements sent in one round trip on PostgreSQL (prepared, one Sync)', () => {
  it('prepares a statement once per connection: later trips bind values to the kept plan', async () => {
    const text = `select id from prepared_probe where label = ? /* ${randomUUID()} */`;
    for (const label of ['a', 'b', 'c']) await trip([select(text, [label])]);
    const kept = await preparedLike(text.slice(-38));
    expect(kept).toHaveLength(1);
    expect(kept[0]!.statement).toContain('label = $1');
    expect(kept[0]!.runs).toBe(3);
  });

  it('sends values as MikroORM inlined them: lists, instants, JSON, bytes, booleans and nulls', async () => {
    const p = randomUUID();
    const at = new Date('2026-11-22T10:07:28.219Z');
    await trip([
      {
        sql: 'insert into prepared_probe (label, at, doc, raw, flag) values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)',
        params: [`${p}-1`, at, { amount: '1001.01', note: "it's" }, Buffer.from([0, 255, 7]), true, `${p}-2`, null, null, null, false],
      },
    ]);
    const [rows] = await trip([select('select label, at, doc, raw, flag from prepared_probe where label in (?) order by label', [[`${p}-1`, `${p}-2`, `${p}-none`]])]);
    expect(rows).toHaveLength(2);
    const [first, second] = rows!;
    expect(new Date(first!.at as string).toISOString()).toBe(at.toISOString());
    expect(first!.doc).toEqual({ amount: '1001.01', note: "it's" });
    expect([...(first!.raw as Buffer)]).toEqual([0, 255, 7]);
    expect(first!.flag).toBe(true);
    expect(second).toMatchObject({ at: null, doc: null, raw: null, flag: false });
  });

  it('inlines a statement with more values than PostgreSQL binds (65,535), as MikroORM would have', async () => {
    const ids = Array.from({ length: 70_000 }, (_, i) => -1 - i);
    expect(await trip([select('select count(*)::int as n from prepared_probe where id in (?)', [ids])])).toEqual([[{ n: 0 }]]);
  });

  it('outside a transaction runs the trip as one implicit transaction: a failed statement undoes the ones before it', async () => {
    const p = randomUUID();
    const insert = (label: string): Statement => ({ sql: 'insert into prepared_probe (label) values (?)', params: [label] });
    await trip([insert(`${p}-taken`)]);
    await expect(trip([insert(`${p}-a`), insert(`${p}-taken`), insert(`${p}-b`)])).rejects.toThrow(/unique/);
    expect(await labels(p)).toEqual([`${p}-taken`]);
    // The connection is usable at once, and the statement's plan was kept.
    await trip([insert(`${p}-c`)]);
    expect(await labels(p)).toEqual([`${p}-c`, `${p}-taken`]);
  });

  it('plans a statement marked planEachTime with its values each time, keeping nothing of it, amid kept ones', async () => {
    const tag = randomUUID();
    const p = randomUUID();
    await trip([{ sql: 'insert into prepared_probe (label) values (?), (?)', params: [`${p}-1`, `${p}-2`] }]);
    const kept = select(`select count(*)::int as n from prepared_probe where label like ? /* kept ${tag} */`, [`${p}%`]);
    const eachTime = (label: string): Statement => ({ ...select(`select label from prepared_probe where label = ? /* each ${tag} */`, [label]), planEachTime: true });
    for (const label of [`${p}-1`, `${p}-2`]) {
      const [before, found, after] = await trip([kept, eachTime(label), kept]);
      expect(before).toEqual([{ n: 2 }]);
      expect(found).toEqual([{ label }]);
      expect(after).toEqual([{ n: 2 }]);
    }
    expect(await preparedLike(`each ${tag}`)).toEqual([]);
    expect(await preparedLike(`kept ${tag}`)).toEqual([expect.objectContaining({ runs: 4 })]);
  });

  it('prepares again a statement whose trip failed, leaving nothing prepared twice', async () => {
    const marker = randomUUID();
    const fresh = select(`select count(*)::int as n from prepared_probe /* ${marker} */`);
    await expect(trip([fresh, select('select from where nothing parses')])).rejects.toThrow(/syntax/);
    const [rows] = await trip([fresh]);
    expect(rows).toEqual([{ n: expect.any(Number) }]);
    expect(await preparedLike(marker)).toHaveLength(1);
  });

  it(`keeps at most ${preparedStatementPolicy.perConnection} statements per connection, closing the least recently used`, async () => {
    const PREPARED_PER_CONNECTION = preparedStatementPolicy.perConnection;
    const marker = randomUUID();
    const numbered = (i: number) => select(`select ?::int + ${i} as n /* ${marker} */`, [1]);
    const used = PREPARED_PER_CONNECTION + 25;
    for (let i = 0; i < used; i += 5) await trip([0, 1, 2, 3, 4].map((k) => numbered(i + k)));
    const kept = await preparedLike(marker);
    expect(kept.length).toBeLessThanOrEqual(PREPARED_PER_CONNECTION);
    expect(kept.length).toBeGreaterThan(PREPARED_PER_CONNECTION - 10);
    expect(kept.some((k) => k.statement.includes('+ 0 as n'))).toBe(false);
    expect(kept.some((k) => k.statement.includes(`+ ${used - 1} as n`))).toBe(true);
    // An evicted statement is simply prepared again.
    expect(await trip([numbered(0)])).toEqual([[{ n: 1 }]]);
  });

  it('prepares a statement again once it is older than its maximum age, so its plan sees the tables as they are now', async () => {
    const marker = randomUUID();
    const count = select(`select count(*)::int as n from prepared_probe /* ${marker} */`);
    const maxAge = preparedStatementPolicy.maxAgeMs;
    preparedStatementPolicy.maxAgeMs = 100;
    try {
      await trip([count]);
      await trip([count]);
      const [young] = await preparedLike(marker);
      expect(young!.runs).toBe(2);
      await new Promise((r) => setTimeout(r, 150));
      await trip([count]);
      const kept = await preparedLike(marker);
      // The old one was closed: one statement, run once since it was prepared again.
      expect(kept).toEqual([{ statement: young!.statement, runs: 1 }]);
    } finally {
      preparedStatementPolicy.maxAgeMs = maxAge;
    }
  });

  it('describes a kept statement once: later runs skip the Describe and read their rows with the columns kept', async () => {
    const client = new pg.Client({ connectionString: core.databaseUrl });
    await client.connect();
    try {
      let descriptions = 0;
      (client as unknown as { connection: EventEmitter }).connection.on('rowDescription', () => descriptions++);
      const p = randomUUID();
      const insert = (i: number): BoundStatement => ({
        text: 'insert into prepared_probe (label, at, doc, flag) values ($1, $2, $3, $4)',
        values: [`${p}-${i}`, `2026-12-04T10:0${i}:00.000Z`, JSON.stringify({ n: i }), i % 2 === 0 ? 'true' : 'false'],
      });
      const read: BoundStatement = { text: 'select id, label, at, doc, flag from prepared_probe where label like $1 order by label', values: [`${p}-%`] };
      const noRows: BoundStatement = { text: 'update prepared_probe set flag = not flag where label = $1 returning id, flag', values: [`${p}-missing`] };
      for (const i of [0, 1, 2]) {
        const [inserted, rows, updated] = await sendPreparedTrip(client, [insert(i), read, noRows]);
        expect(inserted).toEqual([]);
        expect(updated).toEqual([]);
        expect(rows).toEqual(
          [0, 1, 2].slice(0, i + 1).map((k) => ({
            id: expect.any(Number),
            label: `${p}-${k}`,
            at: new Date(`2026-12-04T10:0${k}:00.000Z`),
            doc: { n: k },
            flag: k % 2 === 0,
          })),
        );
      }
      // The select and the update were described in the first trip only; the insert has no columns (NoData).
      expect(descriptions).toBe(2);
      // A statement prepared again (here: past its maximum age) is described again.
      const maxAge = preparedStatementPolicy.maxAgeMs;
      preparedStatementPolicy.maxAgeMs = 0;
      try {
        await new Promise((r) => setTimeout(r, 5));
        const [rows] = await sendPreparedTrip(client, [read]);
        expect(rows).toHaveLength(3);
      } finally {
        preparedStatementPolicy.maxAgeMs = maxAge;
      }
      expect(descriptions).toBe(3);
    } finally {
      await client.end();
    }
  });

  it('after a table changed under a kept plan (a migration elsewhere) fails that trip once, then plans afresh', async () => {
    const table = `changing_${randomUUID().replaceAll('-', '')}`;
    await core.em().execute(`create table ${table} (a int)`);
    await core.em().execute(`insert into ${table} values (1)`);
    const all = select(`select * from ${table}`);
    expect(await trip([all])).toEqual([[{ a: 1 }]]);
    await observer.query(`alter table ${table} add column b int default 2`);
    await expect(trip([all])).rejects.toMatchObject({ code: '0A000' });
    expect(await trip([all])).toEqual([[{ a: 1, b: 2 }]]);
  });
});
