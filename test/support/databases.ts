/** Which databases tests run on, and the names of the scratch databases they make. No imports: the run's global setup reads it too. */

/**
 * The database tests run on: PostgreSQL when DATABASE_URL is postgres:// (a fresh
 * database is created on that server per test file), else a fresh SQLite file.
 */
export function testDatabaseBase(): string {
  const url = process.env.DATABASE_URL;
  return url?.startsWith('postgres') ? url : 'sqlite:./data/test.db';
}

export const onPostgres = testDatabaseBase().startsWith('postgres');

/** Set by the run's global setup (test/support/global-setup.ts) for every worker. */
export const TEST_RUN_ENV = 'PAYMESH_TEST_RUN';

/** The label of this run's scratch databases, which the run's teardown drops if a file did not. */
export function testScratchLabel(): string {
  return `t${process.env[TEST_RUN_ENV] ?? ''}`;
}

/** The PostgreSQL server for tests of PostgreSQL-only behaviour, whichever database the run uses. */
export const postgresBase = onPostgres ? testDatabaseBase() : 'postgres://postgres@127.0.0.1:5432/test';
