import { describe, expect, it } from 'vitest';
import { setupTestCore } from '../../test/support/core.js';
import { runInOneTrip } from './raw-sql.js';

const core = await setupTestCore();

describe(`raw SQL: runInOneTrip (${core.config.databaseKind})`, () => {
  it("returns each statement's rows in order, with parameters escaped", async () => {
    await core.em().execute('create table trip_probe (id integer primary key, note text not null)');
    let sent = 0;
    const count = () => sent++;
    const knex = core.em().getConnection().getKnex();
    knex.on('query', count);
    const results = await core.em().transactional((tx) =>
      runInOneTrip(tx, [
        { sql: 'insert into trip_probe (id, note) values (?, ?)', params: [1, "it's? ; drop table trip_probe --"] },
        { sql: 'insert into trip_probe (id, note) values (?, ?) returning id, note', params: [2, 'two'], returnsRows: true },
        { sql: 'select count(*) as n from trip_probe where note like ?', params: ['%drop%'], returnsRows: true },
      ]),
    );
    knex.off('query', count);
    // BEGIN, the trip, COMMIT: PostgreSQL gets the three statements in one query.
    expect(sent).toBe(core.config.databaseKind === 'postgresql' ? 3 : 5);
    expect(results).toHaveLength(3);
    expect(results[0]).toEqual([]);
    expect(results[1]).toEqual([{ id: 2, note: 'two' }]);
    expect(Number(results[2]![0]!.n)).toBe(1);
    const [stored] = await core.em().execute<Array<{ note: string }>>('select note from trip_probe where id = 1');
    expect(stored!.note).toBe("it's? ; drop table trip_probe --");
  });

  it('leaves nothing written when one statement of the trip fails', async () => {
    await core.em().execute('create table trip_guard (id integer primary key)');
    await expect(
      core.em().transactional((tx) =>
        runInOneTrip(tx, [
          { sql: 'insert into trip_guard (id) values (?)', params: [10] },
          { sql: 'insert into trip_guard (id) values (?)', params: [10] },
        ]),
      ),
    ).rejects.toThrow();
    const [row] = await core.em().execute<Array<{ n: number | string }>>('select count(*) as n from trip_guard');
    expect(Number(row!.n)).toBe(0);
  });
});
