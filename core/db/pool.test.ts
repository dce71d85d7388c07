import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBase } from '../../test/support/core.js';
import { openOrm } from './orm.js';
import { runInOneTrip } from './raw-sql.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

// The pool is PostgreSQL's alone (SQLite has one connection), so this file always runs
// against the local PostgreSQL server, whichever database the rest of the run uses.
const base = postgresBase;
let scratch: ScratchDatabase;
let observer: pg.Client;

beforeAll(async () => {
  scratch = await createScratchDatabase(base, 'pool');
  observer = new pg.Client({ connectionString: base });
  await observer.connect();
});

afterAll(async () => {
  await observer.end();
  await scratch.drop();
});

async function backends(): Promise<number> {
  const name = new URL(scratch.url).pathname.slice(1);
  const { rows } = await observer.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
  return Number(rows[0]!.n);
}

/**
 * The backends left after a quiet spell: the pool's reaper is told to treat a connection
 * idle for 50 ms as idle too long (it checks every second), then given two checks.
 */
async function backendsAfterQuietSpell(orm: MikroORM): Promise<number> {
  const pool = (orm.em as EntityManager).getConnection().getKnex().client.pool as { idleTimeoutMillis: number };
  pool.idleTimeoutMillis = 50;
  await new Promise((r) => setTimeout(r, 2200));
  return backends();
}

describe('the PostgreSQL pool of a serving process', () => {
  it('is opened whole at start and keeps every connection through a quiet spell', async () => {
    const orm = await openOrm({ databaseUrl: scratch.url, poolSize: 4, keepPoolOpen: true });
    try {
      expect(await backends()).toBe(4);
      expect(await backendsAfterQuietSpell(orm)).toBe(4);
    } finally {
      await orm.close(true);
    }
  });

  it('replaces connections PostgreSQL closed (a restart, an admin) when they are next taken', async () => {
    const orm = await openOrm({ databaseUrl: scratch.url, poolSize: 3, keepPoolOpen: true });
    try {
      const name = new URL(scratch.url).pathname.slice(1);
      await observer.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      await new Promise((r) => setTimeout(r, 300)); // the pool hears each connection end
      const conn = orm.em.getConnection();
      // Held 50 ms each, so the three need three live connections at once.
      const answers = await Promise.all([1, 2, 3].map((n) => conn.execute(`select ${n} as n, pg_sleep(0.05)`)));
      expect(answers.map((rows) => Number((rows as Array<{ n: number }>)[0]!.n))).toEqual([1, 2, 3]);
      expect(await backends()).toBe(3);
    } finally {
      await orm.close(true);
    }
  });

  it('otherwise opens connections on demand and closes idle ones', async () => {
    const orm = await openOrm({ databaseUrl: scratch.url, poolSize: 4 });
    try {
      // At most the one MikroORM opened to check the server at init.
      expect(await backends()).toBeLessThanOrEqual(1);
      const conn = orm.em.getConnection();
      await Promise.all([1, 2, 3].map(() => conn.execute('select pg_sleep(0.05)')));
      expect(await backends()).toBe(3);
      expect(await backendsAfterQuietSpell(orm)).toBe(0);
    } finally {
      await orm.close(true);
    }
  });
});

describe('a PostgreSQL URL naming a socket directory (`?host=/dir`, as libpq reads it)', () => {
  it('connects the pool over the server’s Unix socket, for the ORM and for direct trips alike', async () => {
    const { rows } = await observer.query<{ dirs: string }>("select current_setting('unix_socket_directories') as dirs");
    const dir = rows[0]!.dirs.split(',')[0]!.trim();
    expect(dir).not.toBe('');
    const url = new URL(scratch.url);
    url.searchParams.set('host', dir);
    const orm = await openOrm({ databaseUrl: url.toString(), poolSize: 2 });
    try {
      const em = orm.em.fork() as EntityManager;
      // A socket connection has no server address; a TCP one would answer 127.0.0.1.
      const [viaOrm] = await em.execute<Array<{ addr: string | null; db: string }>>('select inet_server_addr() as addr, current_database() as db');
      expect(viaOrm).toEqual({ addr: null, db: url.pathname.slice(1) });
      const [direct] = await runInOneTrip(em, [{ sql: 'select inet_server_addr() as addr, ?::int as n', params: [7], returnsRows: true }]);
      expect(direct).toEqual([{ addr: null, n: 7 }]);
    } finally {
      await orm.close(true);
    }
  });
});
