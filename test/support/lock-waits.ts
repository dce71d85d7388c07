import type pg from 'pg';

/**
 * How many backends of `client`'s database wait for a lock: in tests, the lookups queued
 * behind a table lock the test holds. While it waits to parse the statement, a backend
 * still shows its previous query's text, so only the wait is counted.
 */
export async function backendsWaitingForLocks(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return Number(rows[0]!.n);
}
