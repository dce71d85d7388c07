import { Utils } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type pg from 'pg';
import { databaseKindOfEm } from './kind.js';
import { sendPreparedTrip, type BoundStatement } from './pg-prepared-trip.js';
import type { Rows, Statement } from './raw-sql.js';

/**
 * Hand-written statements sent straight to a pooled PostgreSQL connection, below knex and
 * MikroORM, as prepared statements the connection keeps (core/db/pg-prepared-trip.ts),
 * without the query builder, runner and transaction objects around them. Measured in
 * process: a statement through `em.execute` cost ~0.2 ms of CPU against ~0.09 ms direct, and
 * a two-trip transaction through `em.transactional` ~0.85 ms against ~0.17 ms; preparing
 * then halved PostgreSQL's own CPU per report (bench/FINDINGS.md). The connections are the
 * pool's own (same type parsers: timestamps stay text), taken and given back through knex's
 * pool.
 */

/** A pooled connection: knex's pool holds pg clients. */
type PgConnection = pg.Client;

interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
}

function poolOf(em: EntityManager): PoolClient {
  return em.getConnection().getKnex().client as PoolClient;
}

/** PostgreSQL takes at most this many parameters in one statement; a longer one goes inlined. */
const MAX_BIND_PARAMETERS = 65_535;

/**
 * A statement's `?` placeholders as `$n` parameters in text form, with the conversions
 * MikroORM's inlining makes (core/db/raw-sql.ts `Statement`): an array is a list of
 * values, a plain object is JSON, a date an instant (every timestamp column is
 * timestamptz). A value of any other kind is inlined as MikroORM would quote it.
 */
export function boundStatement(em: EntityManager, statement: Statement): BoundStatement {
  // `??` takes an identifier from the parameters into the text: numbered every time.
  const plain = statement.sql.includes('??') ? null : plainValues(statement.params);
  if (plain) {
    let text = plainTexts.get(statement.sql);
    if (text === undefined) {
      text = numberedText(em, statement).text;
      if (plainTexts.size >= PLAIN_TEXTS_KEPT) plainTexts.clear();
      plainTexts.set(statement.sql, text);
    }
    return { text, values: plain, ...(statement.planEachTime ? { planEachTime: true } : {}) };
  }
  const platform = em.getPlatform();
  const count = statement.params.reduce<number>((n, p) => n + (Array.isArray(p) ? p.length : 1), 0);
  if (count > MAX_BIND_PARAMETERS) return { text: platform.formatQuery(statement.sql, statement.params), values: [], planEachTime: true };
  return { ...numberedText(em, statement), ...(statement.planEachTime ? { planEachTime: true } : {}) };
}

/**
 * The `$n` text of statements whose parameters are all plain values, by their `?` text: the
 * same statement is numbered once, not on every trip (its text was ~5% of the bytes the
 * all-in-one allocated per report). Statements whose text varies with a list's length are
 * many; the cache is emptied when it fills.
 */
const plainTexts = new Map<string, string>();
const PLAIN_TEXTS_KEPT = 1000;

/** The parameters as text values when every one is a plain value (no list, no identifier, nothing inlined); else null. */
function plainValues(params: readonly unknown[]): BoundStatement['values'] | null {
  if (params.length > MAX_BIND_PARAMETERS) return null;
  const values: BoundStatement['values'] = [];
  for (const value of params) {
    if (Array.isArray(value)) return null;
    const text = parameterText(value);
    if (text === undefined) return null;
    values.push(text);
  }
  return values;
}

/** The statement with `$n` for its parameters (a list's values each), `??` as quoted identifiers, other values inlined. */
function numberedText(em: EntityManager, statement: Statement): { text: string; values: BoundStatement['values'] } {
  const platform = em.getPlatform();
  const values: BoundStatement['values'] = [];
  const parameter = (value: unknown): string => {
    if (Array.isArray(value)) return value.map(parameter).join(', ');
    const text = parameterText(value);
    if (text === undefined) return platform.quoteValue(value) as string;
    values.push(text);
    return `$${values.length}`;
  };
  const { sql, params } = statement;
  let text = '';
  let from = 0;
  let next = 0;
  for (let at = sql.indexOf('?'); at !== -1; at = sql.indexOf('?', from)) {
    if (sql[at - 1] === '\\') {
      text += `${sql.slice(from, at - 1)}?`;
      from = at + 1;
    } else if (sql[at + 1] === '?') {
      text += sql.slice(from, at) + platform.quoteIdentifier(params[next++] as string);
      from = at + 2;
    } else {
      text += sql.slice(from, at) + parameter(params[next++]);
      from = at + 1;
    }
  }
  return { text: text + sql.slice(from), values };
}

function parameterText(value: unknown): string | Buffer | null | undefined {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value;
  if (Utils.isPlainObject(value)) return JSON.stringify(value);
  return undefined;
}

function send(em: EntityManager, connection: PgConnection, statements: readonly Statement[], opening = false, closing = false): Promise<Rows[]> {
  const bound = statements.map((s) => boundStatement(em, s));
  if (opening) bound.unshift({ text: 'begin', values: [] });
  if (closing) bound.push({ text: 'commit', values: [] });
  return sendPreparedTrip(connection, bound);
}

/**
 * Runs statements outside any transaction in one round trip on a connection of its own
 * (PostgreSQL runs the statements before one Sync as one implicit transaction).
 */
export async function runDirect(em: EntityManager, statements: readonly Statement[]): Promise<Rows[]> {
  const pool = poolOf(em);
  const connection = await pool.acquireConnection();
  try {
    return await send(em, connection, statements);
  } finally {
    await pool.releaseConnection(connection);
  }
}

/**
 * One transaction on one connection whose BEGIN rides on its first round trip and whose
 * COMMIT rides on the trip marked last (or goes alone when the work ends without one).
 */
class TripTransaction {
  private state: 'new' | 'open' | 'committed' | 'failed' = 'new';

  constructor(
    private readonly em: EntityManager,
    private readonly connection: PgConnection,
  ) {}

  async trip(statements: readonly Statement[], last: boolean): Promise<Rows[]> {
    if (this.state === 'committed' || this.state === 'failed') {
      throw new Error(`a statement after the transaction ${this.state === 'committed' ? 'committed' : 'failed'}`);
    }
    const opening = this.state === 'new';
    try {
      const results = await send(this.em, this.connection, statements, opening, last);
      this.state = last ? 'committed' : 'open';
      return results.slice(opening ? 1 : 0, (opening ? 1 : 0) + statements.length);
    } catch (e) {
      // PostgreSQL skipped the rest of the trip (the COMMIT too) and aborted the transaction.
      this.state = 'failed';
      throw e;
    }
  }

  async finish(): Promise<void> {
    if (this.state === 'open') {
      await this.connection.query('commit');
      this.state = 'committed';
    }
  }

  async abandon(): Promise<void> {
    if (this.state === 'open' || this.state === 'failed') await this.connection.query('rollback');
    this.state = 'failed';
  }
}

/** Entity managers handed to the work of an `inTripTransaction`, and their transaction. */
const tripTransactions = new WeakMap<EntityManager, TripTransaction>();

/**
 * Runs `work` in a transaction; on PostgreSQL one of as few round trips as its statements allow:
 * `runInOneTrip(tx, …)` sends them on the transaction's connection, the first trip with
 * BEGIN, the one marked `last` with COMMIT. Everything `work` sends must go through
 * `runInOneTrip`/`inTransaction` with the `tx` it is given: the ORM's own queries on it
 * would take another connection, outside the transaction. Any throw rolls back — except
 * after the trip marked `last`, which has committed: mark only a trip that ends the work.
 */
export async function inTripTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  // SQLite runs in process: no round trip to save, an ordinary transaction (`last` means nothing).
  if (databaseKindOfEm(em) !== 'postgresql') return em.transactional(work);
  const pool = poolOf(em);
  const connection = await pool.acquireConnection();
  const transaction = new TripTransaction(em, connection);
  const tx = em.fork();
  tripTransactions.set(tx, transaction);
  try {
    const result = await work(tx);
    await transaction.finish();
    return result;
  } catch (e) {
    // A connection that cannot even roll back is not given to anyone else: knex's pool
    // drops a connection marked disposed when it is next taken.
    await transaction.abandon().catch((rollbackError: unknown) => {
      (connection as { __knex__disposed?: unknown }).__knex__disposed = rollbackError;
    });
    throw e;
  } finally {
    tripTransactions.delete(tx);
    await pool.releaseConnection(connection);
  }
}

/** The trip transaction `em` belongs to, if it was handed out by `inTripTransaction`. */
export function tripTransactionOf(em: EntityManager): { trip(statements: readonly Statement[], last: boolean): Promise<Rows[]> } | undefined {
  return tripTransactions.get(em);
}
