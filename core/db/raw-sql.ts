import type { EntityManager } from '@mikro-orm/knex';
import { runDirect, tripTransactionOf } from './direct-sql.js';
import { databaseKindOfEm } from './kind.js';

/** One hand-written statement: `?` placeholders only (never a literal `?` in the text). */
export interface Statement {
  sql: string;
  params: unknown[];
  /** It selects or has RETURNING (SQLite runs the others with `run`). */
  returnsRows?: boolean;
  /**
   * PostgreSQL plans it with its values every time instead of keeping it prepared
   * (core/db/pg-prepared-trip.ts): for a statement whose text varies with its batch size, or
   * whose best plan depends on the size of a table that changes within seconds.
   */
  planEachTime?: boolean;
}

export type Rows = Array<Record<string, unknown>>;

/**
 * A statement another service adds to a round trip it does not own, with the check of its
 * rows (which throws to refuse the whole transaction), run before the owner looks at its
 * own results: e.g. a request's replay claim sent with the report it carries.
 */
export interface CheckedStatement {
  statement: Statement;
  verify(rows: Rows): void;
}

/**
 * Runs statements that do not depend on each other's results, in order, and returns each
 * one's rows. On PostgreSQL they go in ONE round trip; an error in any of them skips the
 * rest and aborts the transaction (outside one, the trip is its own implicit transaction).
 * Outside a transaction, and in an `inTripTransaction`, the trip goes straight to a pooled
 * connection as prepared statements it keeps (core/db/direct-sql.ts); inside an ORM
 * transaction, as one text with MikroORM's inlining (the simple-query protocol). `last`
 * marks the final trip of an `inTripTransaction`'s work, which then carries its COMMIT
 * (elsewhere it means nothing). SQLite runs in-process, so there is no round trip to
 * save: one by one.
 */
export async function runInOneTrip(em: EntityManager, statements: readonly Statement[], options: { last?: boolean } = {}): Promise<Rows[]> {
  const trips = tripTransactionOf(em);
  if (trips) return trips.trip(statements, options.last ?? false);
  if (databaseKindOfEm(em) === 'postgresql') {
    if (!em.isInTransaction()) return runDirect(em, statements);
    if (statements.length > 1) {
      const results = await em.execute<Rows[]>(statements.map((s) => s.sql).join(';\n'), statements.flatMap((s) => s.params));
      if (!Array.isArray(results) || results.length !== statements.length) {
        throw new Error(`one round trip of ${statements.length} statements answered ${Array.isArray(results) ? results.length : typeof results} results`);
      }
      return results;
    }
  }
  const results: Rows[] = [];
  for (const s of statements) results.push(s.returnsRows ? await em.execute<Rows>(s.sql, s.params) : (await em.execute(s.sql, s.params, 'run'), []));
  return results;
}

/**
 * Runs `work` in the caller's transaction when there is one (no savepoint: a refusal rolls
 * the caller's whole request back, as it should), else in a transaction of its own.
 */
export function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() || tripTransactionOf(em) ? work(em) : em.transactional(work);
}

/** `?, ?, ?` for a list of values. */
export function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** Raw SQL needs dates the way the ORM stores them: epoch ms on SQLite, a timestamp on PostgreSQL. */
export function dateParam(em: EntityManager, d: Date): unknown {
  return em.getPlatform().processDateProperty(d);
}

/**
 * A timestamp as raw SQL returns it (text on PostgreSQL, where MikroORM keeps pg from
 * parsing dates; epoch milliseconds on SQLite), parsed the way the ORM parses it. A value
 * that does not parse is refused: a date compared as NaN would pass every expiry check.
 */
export function readDate(em: EntityManager, value: unknown): Date {
  const parsed: unknown = value instanceof Date ? value : em.getPlatform().parseDate(value as string);
  if (!(parsed instanceof Date) || Number.isNaN(parsed.getTime())) throw new Error(`unreadable timestamp ${String(value)}`);
  return parsed;
}
