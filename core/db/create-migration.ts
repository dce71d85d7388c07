/**
 * Writes the migration that brings a database migrated with the checked-in migrations up
 * to the current entities, for SQLite and for PostgreSQL, and refreshes each folder's
 * index. Usage: `npm run migration:create [-- --name Label]`.
 * PostgreSQL: the server of $DATABASE_URL if it is postgres://, else 127.0.0.1/test.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseKind } from './kind.js';
import { createScratchDatabase } from './scratch-database.js';

const bases: Record<DatabaseKind, string> = {
  sqlite: 'sqlite:./data/scratch.db',
  postgresql: process.env.DATABASE_URL?.startsWith('postgres')
    ? process.env.DATABASE_URL
    : 'postgres://postgres@127.0.0.1:5432/test',
};

export function writeMigrationIndex(kind: DatabaseKind): void {
  const dir = join('core/db/migrations', kind);
  const names = readdirSync(dir)
    .filter((f) => /^Migration\d+.*\.ts$/.test(f))
    .map((f) => f.replace(/\.ts$/, ''))
    .sort();
  const imports = names.map((n) => `import { ${n} } from './${n}.js';`);
  const list = names.map((n) => `  { name: '${n}', class: ${n} },`);
  writeFileSync(
    join(dir, 'index.ts'),
    [
      "import type { MigrationObject } from '@mikro-orm/core';",
      ...imports,
      '',
      `/** Checked-in ${kind} migrations, in order. Maintained by \`npm run migration:create\`. */`,
      `export const ${kind}Migrations: MigrationObject[] = [`,
      ...list,
      '];',
      '',
    ].join('\n'),
  );
}

async function createFor(kind: DatabaseKind, label: string | undefined): Promise<void> {
  // Imported late: orm.ts imports the migration indexes that --squash rewrites.
  const { openOrm, migrate } = await import('./orm.js');
  const scratch = await createScratchDatabase(bases[kind], 'migr');
  const orm = await openOrm({ databaseUrl: scratch.url });
  try {
    await migrate(orm);
    const result = await orm.getMigrator().createMigration(undefined, false, false, label);
    console.log(result.fileName ? `${kind}: wrote ${result.fileName}` : `${kind}: schema already up to date`);
  } finally {
    await orm.close(true);
    await scratch.drop();
  }
  writeMigrationIndex(kind);
}

const nameArg = process.argv.indexOf('--name');
const label = nameArg > 0 ? process.argv[nameArg + 1] : undefined;
for (const kind of ['sqlite', 'postgresql'] as const) {
  if (process.argv.includes('--squash')) {
    const dir = join('core/db/migrations', kind);
    for (const f of readdirSync(dir)) if (f.startsWith('Migration')) rmSync(join(dir, f));
  }
  // Hand-written migrations dropped into the folder are listed before anything is diffed.
  writeMigrationIndex(kind);
}
for (const kind of ['sqlite', 'postgresql'] as const) await createFor(kind, label);
