import { describe, expect, it } from 'vitest';
import { migrate, openOrm } from './orm.js';
import { createScratchDatabase } from './scratch-database.js';
import { testDatabaseBase } from '../../test/support/core.js';

// Runs on SQLite and on PostgreSQL (whichever DATABASE_URL names; CI runs both).
describe(`migrations on ${testDatabaseBase().split(':')[0]}`, () => {
  it('apply cleanly to an empty database and leave nothing for the entities to diff', async () => {
    const scratch = await createScratchDatabase(testDatabaseBase(), 'migr');
    const orm = await openOrm({ databaseUrl: scratch.url });
    try {
      const applied = await migrate(orm);
      expect(applied.length).toBeGreaterThanOrEqual(3);
      expect(applied[0]).toMatch(/_initial$/);
      const drift = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
      expect(drift.trim()).toBe('');
      // Seeded data: the 004 channel table and the platform ledger accounts.
      const channels = await orm.em.fork().getConnection().execute('select id, name from channel order by id');
      expect(channels.map((c: { id: number }) => Number(c.id))).toEqual([...Array(15).keys()].map((i) => i + 1));
      expect(await migrate(orm)).toEqual([]);
    } finally {
      await orm.close(true);
      await scratch.drop();
    }
  });
});
