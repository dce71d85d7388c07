import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { databaseKindOf } from './kind.js';

/**
 * A throwaway empty database of the same kind as `baseUrl`: a new PostgreSQL database on
 * the same server, or a new SQLite file. Used by tests (one per test file, so files run
 * in parallel without sharing rows) and by the migration generator.
 */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(baseUrl: string, label = 't'): Promise<ScratchDatabase> {
  const suffix = `${label}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  if (databaseKindOf(baseUrl) === 'sqlite') {
    const file = join(tmpdir(), `paymesh_${suffix}.db`);
    return {
      url: `sqlite:${file}`,
      drop: async () => {
        for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      },
    };
  }
  const name = `paymesh_${suffix}`.toLowerCase();
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
