/**
 * Writes the migration that brings a database migrated with the checked-in migrations up
 * to the current entities, for SQLite and for PostgreSQL, and refreshes each folder's
 * index. Usage: `npm run migration:create [-- --name Label]`.
 * PostgreSQL: the server of $DATABASE_URL if it is postgres://, else 127.0.0.1/test.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  // The class name is read from the file: MikroORM names generated classes by timestamp.
  const classOf = (n: string) => /export class (\w+) extends Migration/.exec(readFileSync(join(dir, `${n}.ts`), 'utf8'))?.[1] ?? n;
  const imports = names.map((n) => (classOf(n) === n ? `import { ${n} } from './${n}.js';` : `import { ${classOf(n)} as ${n} } from './${n}.js';`));
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

const INITIAL = 'Migration20261122000000_initial';

async function createFor(kind: DatabaseKind, label: string | undefined, squash: boolean): Promise<void> {
  // Imported late: orm.ts imports the migration indexes that --squash rewrites.
  const { openOrm, migrate } = await import('./orm.js');
  const scratch = await createScratchDatabase(bases[kind], 'migr');
  const orm = await openOrm({ databaseUrl: scratch.url, migrationFileName: squash ? INITIAL : undefined });
  try {
    // Squash: diff an empty database (only the hand-written migrations would fail on it).
    if (!squash) await migrate(orm);
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
const squash = process.argv.includes('--squash');
for (const kind of ['sqlite', 'postgresql'] as const) {
  if (squash) {
    const dir = join('core/db/migrations', kind);
    // Generated files are the initial one and unlabelled diffs (`Migration<timestamp>.ts`).
    for (const f of readdirSync(dir)) if (f === `${INITIAL}.ts` || /^Migration\d+\.ts$/.test(f)) rmSync(join(dir, f));
  }
  // Hand-written migrations dropped into the folder are listed before anything is diffed.
  writeMigrationIndex(kind);
}
for (const kind of ['sqlite', 'postgresql'] as const) await createFor(kind, label, squash);
