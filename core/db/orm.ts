import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MikroORM, type Options } from '@mikro-orm/core';
import { LibSqlDriver } from '@mikro-orm/libsql';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver, type EntityManager as SqlEntityManager } from '@mikro-orm/postgresql';
import { allEntities } from '../entities/index.js';
import { postgresqlMigrations } from './migrations/postgresql/index.js';
import { sqliteMigrations } from './migrations/sqlite/index.js';

import { databaseKindOf } from './kind.js';

export { databaseKindOf, type DatabaseKind } from './kind.js';

/** `sqlite:./data/x.db` / `file:./x.db` → a file path; `:memory:` stays as is. */
function sqliteFileOf(url: string): string {
  return url.replace(/^(sqlite|file):(\/\/)?/, '');
}

export interface OrmOptions {
  databaseUrl: string;
  /** Connection pool size on PostgreSQL; SQLite always uses one connection (one writer). */
  poolSize?: number;
  /**
   * PostgreSQL: open every connection of the pool now and never close one for being idle.
   * A serving process wants this: a pool that shrinks in a quiet spell makes the next
   * burst wait for new backends (fork, authentication, cold catalog caches), which took
   * the first second of bench section 3 to 150–290 ms at p99. One-shot commands and tests
   * open connections as they need them.
   */
  keepPoolOpen?: boolean;
  debug?: boolean;
  /** Overrides the generated migration's file (and class) name; used to squash into a fixed `initial`. */
  migrationFileName?: string;
}

export function ormOptions({ databaseUrl, poolSize = 10, keepPoolOpen = false, debug = false, migrationFileName }: OrmOptions): Options {
  const kind = databaseKindOf(databaseUrl);
  const common = {
    entities: allEntities,
    extensions: [Migrator],
    debug,
    // Entities are declared with explicit column types, so no reflection is needed at run
    // time (tsx/esbuild and Vitest do not emit decorator metadata).
    discovery: { requireEntitiesArray: true, warnWhenNoEntities: true },
    forceUndefined: false,
    allowGlobalContext: false,
    ignoreUndefinedInQuery: true,
    migrations: {
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
      emit: 'ts' as const,
      path: `core/db/migrations/${kind}`,
      migrationsList: kind === 'postgresql' ? postgresqlMigrations : sqliteMigrations,
      ...(migrationFileName ? { fileName: () => migrationFileName } : {}),
    },
  };
  if (kind === 'postgresql') {
    const socketDir = new URL(databaseUrl).searchParams.get('host');
    return {
      ...common,
      driver: PostgreSqlDriver,
      clientUrl: databaseUrl,
      ...(socketDir ? { host: socketDir } : {}),
      pool: { min: keepPoolOpen ? poolSize : 0, max: poolSize },
    };
  }
  const file = sqliteFileOf(databaseUrl);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  return {
    ...common,
    driver: LibSqlDriver,
    dbName: file,
    pool: { min: 1, max: 1 },
  } as Options;
}

export async function openOrm(opts: OrmOptions): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(opts));
  if (databaseKindOf(opts.databaseUrl) === 'sqlite') {
    const conn = orm.em.getConnection();
    await conn.execute('pragma journal_mode = wal');
    await conn.execute('pragma busy_timeout = 5000');
    await conn.execute('pragma foreign_keys = on');
  } else if (opts.keepPoolOpen) {
    await openWholePool(orm, opts.poolSize ?? 10);
  }
  return orm;
}

/**
 * Opens the pool's connections now: takes every one of them at once (so the pool must open
 * each), then gives them back. With `min` equal to the pool's size none is closed later
 * for being idle.
 */
async function openWholePool(orm: MikroORM, size: number): Promise<void> {
  const client = (orm.em as SqlEntityManager).getConnection().getKnex().client as {
    acquireConnection(): Promise<unknown>;
    releaseConnection(connection: unknown): Promise<unknown>;
  };
  const taken = await Promise.all(Array.from({ length: size }, () => client.acquireConnection()));
  await Promise.all(taken.map((connection) => client.releaseConnection(connection)));
}

/** Applies every pending checked-in migration; returns the names applied. */
export async function migrate(orm: MikroORM): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
