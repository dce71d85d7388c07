import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { postgresBase, TEST_RUN_ENV, testScratchLabel } from './databases.js';

/**
 * Names this run's scratch databases (test/support/core.ts) and drops whatever of them is
 * left at the end. A file drops its own database after its tests, but Vitest runs no
 * `afterAll` in a file whose tests were all skipped (the browser test without Chromium),
 * and a worker that crashed runs none at all: each such file left a database behind.
 */
export default function setup(): () => Promise<void> {
  // Set before the workers start: they inherit it.
  process.env[TEST_RUN_ENV] = randomBytes(4).toString('hex');
  const prefix = `paymesh_${testScratchLabel()}_`;
  return async () => {
    for (const file of readdirSync(tmpdir())) if (file.startsWith(prefix)) rmSync(join(tmpdir(), file), { force: true });
    // Every run may have made PostgreSQL databases (PostgreSQL-only tests do on SQLite runs).
    const admin = new pg.Client({ connectionString: postgresBase });
    try {
      await admin.connect();
    } catch {
      return; // No server: nothing can have been made on it.
    }
    try {
      const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
      for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    } finally {
      await admin.end();
    }
  };
}
