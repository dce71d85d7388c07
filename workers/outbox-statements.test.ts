import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { boundStatement } from '../core/db/direct-sql.js';
import { runInOneTrip, type Statement } from '../core/db/raw-sql.js';
import { owedWorkStatement } from '../core/outbox/outbox.js';
import { owedCallbackStatements } from '../core/services/callbacks.js';
import { onPostgres, setupTestCore } from '../test/support/core.js';
import { claimDueCallbacks, rowsToEnqueue } from './outbox-statements.js';

// The relay's statements against an outbox with a history of completed rows and a backlog
// of due callbacks waiting for room: they must return the right rows, and reach them
// through the partial indexes, not by reading the backlog (which they did, every pass).
const core = await setupTestCore();
const BACKLOG = 3000;
const HISTORY = 2000;
const ROOM = 64;
const LOCK_MS = 60_000;

const backlog = new Set<string>();
const jobs = new Set<string>();
const released = new Set<string>();

beforeAll(async () => {
  const em = core.em();
  const now = Date.now();
  const owed = (topic: string, runAt?: Date) => {
    const { id, statement } = owedWorkStatement(em, topic, { n: 1 }, runAt ? { runAt } : {});
    return { id, statements: [statement] };
  };
  // Callbacks with their deliveries, which the claim reads.
  const callback = (n: number) =>
    owedCallbackStatements(em, { profile: 'doc004', merchantId: null, subject: { type: 'outbox-statements', id: n }, url: 'http://127.0.0.1:9/cb', body: `n=${n}` });
  const rows: Array<{ id: string; statements: Statement[] }> = [];
  for (let i = 0; i < HISTORY; i++) rows.push(callback(i));
  const history = rows.map((r) => r.id);
  for (let i = 0; i < BACKLOG; i++) rows.push(callback(HISTORY + i));
  for (const r of rows.slice(HISTORY)) backlog.add(r.id);
  for (const topic of ['sms', 'upstream']) {
    const row = owed(topic);
    jobs.add(row.id);
    rows.push(row);
  }
  for (const minutes of [5, 1]) {
    const row = owed('callbacks', new Date(now + minutes * 60_000));
    released.add(row.id);
    rows.push(row);
  }
  for (let at = 0; at < rows.length; at += 500) await runInOneTrip(em, rows.slice(at, at + 500).flatMap((r) => r.statements));
  for (let at = 0; at < history.length; at += 500) {
    const ids = history.slice(at, at + 500);
    await em.execute(`update outbox_message set relayed_at = created_at, completed_at = created_at where id in (${ids.map(() => '?').join(', ')})`, ids, 'run');
  }
});

/** Runs a statement in a transaction that is rolled back, so every test sees the same outbox. */
async function rowsOf(statement: Statement): Promise<Array<Record<string, unknown>>> {
  const rolledBack = new Error('rolled back');
  let rows: Array<Record<string, unknown>> = [];
  await core
    .em()
    .transactional(async (tx) => {
      rows = await tx.execute(statement.sql, statement.params, 'all');
      throw rolledBack;
    })
    .catch((e: unknown) => {
      if (e !== rolledBack) throw e;
    });
  return rows;
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan's scans of tables (or of one table) produced or filtered out: what the statement read. */
function rowsRead(node: PlanNode, table?: string): number {
  const scansTable = node['Node Type'].endsWith('Scan') && node['Relation Name'] !== undefined && (table === undefined || node['Relation Name'] === table);
  const own = scansTable ? (node['Actual Rows'] ?? 0) * (node['Actual Loops'] ?? 1) + (node['Rows Removed by Filter'] ?? 0) : 0;
  return own + (node.Plans ?? []).reduce((n, child) => n + rowsRead(child, table), 0);
}

/**
 * PostgreSQL's generic plan of the statement (the one a kept prepared statement ends up
 * with, core/db/pg-prepared-trip.ts), executed in a transaction that is rolled back.
 */
async function genericPlanRowsRead(statement: Statement, table?: string): Promise<number> {
  const { text, values } = boundStatement(core.em(), statement);
  const literal = (v: unknown) => (v === null ? 'null' : `'${String(v).replaceAll("'", "''")}'`);
  const client = new pg.Client({ connectionString: core.databaseUrl });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('set local plan_cache_mode = force_generic_plan');
    await client.query(`prepare relay_statement as ${text}`);
    const result = await client.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
      `explain (analyze, format json) execute relay_statement(${values.map(literal).join(', ')})`,
    );
    return rowsRead(result.rows[0]!['QUERY PLAN'][0]!.Plan, table);
  } finally {
    await client.query('rollback');
    await client.end();
  }
}

/** SQLite's plan of the statement, one line per step. */
async function sqlitePlan(statement: Statement): Promise<string> {
  const steps = await core.em().execute<Array<{ detail: string }>>(`explain query plan ${statement.sql}`, statement.params, 'all');
  return steps.map((s) => s.detail).join('\n');
}

describe('the outbox relay statements', () => {
  const now = () => new Date();

  it('claims the due callbacks, as many as there is room for, never a released one', async () => {
    const claimed = (await rowsOf(claimDueCallbacks(core.em(), now(), ROOM, LOCK_MS))).map((r) => String(r.claimed_id));
    expect(claimed).toHaveLength(ROOM);
    for (const id of claimed) expect(backlog.has(id)).toBe(true);
  });

  it('plans the claims of a burst with their values, and keeps the plan of the claims of single payments', () => {
    const burst = claimDueCallbacks(core.em(), now(), ROOM, LOCK_MS, { burst: true });
    const trickle = claimDueCallbacks(core.em(), now(), ROOM, LOCK_MS);
    expect(burst.sql).toBe(trickle.sql);
    expect([burst.planEachTime, trickle.planEachTime]).toEqual(onPostgres ? [true, false] : [undefined, undefined]);
  });

  it('gives the other topics and the released callbacks to the queues, with first attempts made by the relay', async () => {
    const rows = await rowsOf(rowsToEnqueue(core.em(), now(), { firstAttempts: true, batch: 200 }));
    expect(new Set(rows.map((r) => String(r.id)))).toEqual(new Set([...jobs, ...released]));
  });

  it('gives every callback to the queue when the relay makes no first attempts, oldest first', async () => {
    const rows = await rowsOf(rowsToEnqueue(core.em(), now(), { firstAttempts: false, batch: 200 }));
    expect(rows).toHaveLength(200);
    for (const row of rows) expect(backlog.has(String(row.id))).toBe(true);
  });

  it('reach their rows through the partial indexes, not by reading the backlog', async () => {
    if (onPostgres) {
      // PostgreSQL's generic plans (what a kept prepared statement ends up with; the claim is
      // planned with its values in production, which must do no worse), before and after
      // ANALYZE. A new database's tables look empty to the planner until autovacuum analyzes
      // them: the outbox must not be scanned even then (the claim's update, joined by id,
      // scanned it). Only the deliveries the claim reads may be, until the stats say the
      // table is large.
      const outboxRead = async () => ({
        claim: await genericPlanRowsRead(claimDueCallbacks(core.em(), now(), ROOM, LOCK_MS), 'outbox_message'),
        toEnqueue: await genericPlanRowsRead(rowsToEnqueue(core.em(), now(), { firstAttempts: true, batch: 200 }), 'outbox_message'),
      });
      const fresh = await outboxRead();
      expect(fresh.claim).toBeLessThan(ROOM * 3);
      expect(fresh.toEnqueue).toBeLessThan(50);

      await core.em().execute('analyze');
      const analyzed = await outboxRead();
      expect(analyzed.claim).toBeLessThan(ROOM * 3);
      expect(analyzed.toEnqueue).toBeLessThan(50);
      // Every table, the deliveries included: what the claim returns, its outbox rows again, their deliveries.
      expect(await genericPlanRowsRead(claimDueCallbacks(core.em(), now(), ROOM, LOCK_MS))).toBeLessThan(ROOM * 4);
    } else {
      // SQLite's plans.
      const claim = await sqlitePlan(claimDueCallbacks(core.em(), now(), ROOM, LOCK_MS));
      expect(claim).toMatch(/USING INDEX outbox_message_callbacks_index/);
      expect(claim).not.toMatch(/TEMP B-TREE/);
      const toEnqueue = await sqlitePlan(rowsToEnqueue(core.em(), now(), { firstAttempts: true, batch: 200 }));
      expect(toEnqueue).toMatch(/USING INDEX outbox_message_jobs_index/);
      expect(toEnqueue).toMatch(/USING INDEX outbox_message_callbacks_later_index/);
    }
  });
});
