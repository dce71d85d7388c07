import { describe, expect, it } from 'vitest';
import { Credential, Merchant, PayInOrder } from '../entities/index.js';
import { setupTestCore } from '../../test/support/core.js';
import { tableColumns } from './table-columns.js';

const core = await setupTestCore();

describe('tableColumns', () => {
  it('lists exactly the columns of the table behind each entity, so rows mapped back to entities are whole', async () => {
    await core.merchants.create(core.em(), { name: 'Columns Shop' });
    for (const [entity, table] of [
      [Merchant, 'merchant'],
      [Credential, 'credential'],
      [PayInOrder, 'payin_order'],
    ] as const) {
      // Column names as the database has them: from a row when there is one, else from the catalogue.
      const [row] = await core.em().execute<Array<Record<string, unknown>>>(`select * from ${table} limit 1`);
      const dbColumns = row
        ? Object.keys(row)
        : (await core.em().execute<Array<{ name: string }>>(
            core.config.databaseKind === 'postgresql'
              ? `select column_name as name from information_schema.columns where table_name = '${table}' and table_schema = current_schema()`
              : `select name from pragma_table_info('${table}')`,
          )).map((c) => c.name);
      expect([...tableColumns(core.em(), entity)].sort(), table).toEqual(dbColumns.sort());
    }
  });
});
