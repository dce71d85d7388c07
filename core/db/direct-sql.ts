import type { EntityManager } from '@mikro-orm/knex';
import { databaseKindOfEm } from './kind.js';
import type { Rows, Statement } from './raw-sql.js';

/**
 * Hand-written statements sent straight to a pooled PostgreSQL connection, below knex and
 * MikroORM: the text MikroORM would send (its own parameter inlining), without the query
 * builder, runner and transaction objects around it. Measured in process: a statement
 * through `em.execute` cost ~0.2 ms of CPU against ~0.09 ms direct, and a two-trip
 * transaction through `em.transactional` ~0.85 ms against ~0.17 ms (bench/FINDINGS.md).
 * The connections are the pool's own (same type parsers: timestamps stay text), taken and
 * given back through knex's pool.
 */

/** The pg client calls used here: a simple query answers one result per statement. */
interface PgConnection {
  query(text: string): Promise<PgResult | PgResult[]>;
}

interface PgResult {
  rows: Rows;
}

interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
}

function poolOf(em: EntityManager): PoolClient {
  return em.getConnection().getKnex().client as PoolClient;
}

function textOf(em: EntityManager, statements: readonly Statement[]): string[] {
  const platform = em.getPlatform();
  return statements.map((s) => platform.formatQuery(s.sql, s.params));
}

async function send(connection: PgConnection, texts: string[], expected: number): Promise<PgResult[]> {
  const answered = await connection.query(texts.join(';\n'));
  const results = Array.isArray(answered) ? answered : [answered];
  if (results.length !== expected) throw new Error(`one round trip of ${expected} statements answered ${results.length} results`);
  return results;
}

/**
 * Runs statements outside any transaction in one round trip on a connection of its own
 * (PostgreSQL runs a multi-statement simple query as one implicit transaction).
 */
export async function runDirect(em: EntityManager, statements: readonly Statement[]): Promise<Rows[]> {
  const pool = poolOf(em);
  const connection = await pool.acquireConnection();
  try {
    const results = await send(connection, textOf(em, statements), statements.length);
    return results.map((r) => r.rows);
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
    const texts = [...(opening ? ['begin'] : []), ...textOf(this.em, statements), ...(last ? ['commit'] : [])];
    try {
      const results = await send(this.connection, texts, texts.length);
      this.state = last ? 'committed' : 'open';
      return results.slice(opening ? 1 : 0, opening ? 1 + statements.length : statements.length).map((r) => r.rows);
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
