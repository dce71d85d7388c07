import pg from 'pg';
import type { Rows } from './raw-sql.js';

/**
 * A round trip of several statements as prepared statements of the extended-query protocol,
 * written at once and closed by ONE Sync. Against the simple-query protocol (one text of
 * inlined values) PostgreSQL no longer parses, analyses and plans each statement on every
 * request: it binds the values to the plan it keeps for the connection. Measured with the
 * statements of a matched monitor report (bench/FINDINGS.md): PostgreSQL's CPU per report
 * halved (0.90 → 0.47 ms), ours about the same.
 *
 * One Sync keeps what the simple protocol gave: the statements of a trip outside a
 * transaction run as one implicit transaction, and after an error PostgreSQL skips the rest
 * of the trip up to the Sync. It also means one flush, so the replies arrive together.
 *
 * A kept statement is described once: its result columns are kept with its name, and later
 * runs send no Describe, so no RowDescription comes back to be parsed for each of them (pg's
 * row descriptions were ~6% of the bytes the all-in-one allocated per monitor report).
 */

/** A statement in `$n` form and its values in text form (a Buffer goes as binary). */
export interface BoundStatement {
  text: string;
  values: Array<string | Buffer | null>;
  /** Sent as the unnamed statement, which PostgreSQL plans with these values and does not keep. */
  planEachTime?: boolean;
}

/**
 * How long a connection keeps its statements. `perConnection`: past this many the least
 * recently used is closed. `maxAgeMs`: a statement older than this is closed and prepared
 * again at its next use. PostgreSQL keeps a statement's generic plan until an ANALYZE or a
 * schema change invalidates it, so a plan made while a table was small (a new database,
 * before a bulk load, before autovacuum's first ANALYZE) could outlive that by minutes: in
 * bench section 2 the report's order match, planned on a table of 400 orders, walked all
 * 10,000 of the next run (4.9 ms each instead of 0.1). Planned again, it sees the table's
 * current size. Mutable for tests only.
 */
export const preparedStatementPolicy = { perConnection: 200, maxAgeMs: 10_000 };

/** How one trip sends its statements (PreparedStatements.plan). */
interface TripPlan {
  names: string[];
  /** Which statements are parsed in this trip. */
  parse: boolean[];
  /** Each statement's result columns when already known: no Describe is sent for it. */
  columns: Array<unknown[] | undefined>;
  close: string[];
  parsedNow: string[];
}

/**
 * The prepared statements of one connection, by text, least recently used first. A name is
 * only this connection's; a statement whose Parse went out in a trip that failed may or may
 * not exist, so it is closed before it is prepared again (closing a name that does not exist
 * is not an error).
 */
class PreparedStatements {
  private readonly byText = new Map<string, string>();
  /** When each name was prepared (Date.now()). */
  private readonly preparedAt = new Map<string, number>();
  /**
   * The result columns (RowDescription fields; none for a statement without rows) each name
   * answered when it was first described. A statement's columns do not change while it stays
   * prepared — PostgreSQL refuses to re-plan one whose columns would (0A000, which forgets
   * everything) — so later executions skip the Describe and its RowDescription.
   */
  private readonly columns = new Map<string, unknown[]>();
  private counter = 0;
  /** Names to close at the start of the next trip: evicted, or left uncertain by a failure. */
  private closing: string[] = [];

  /** The plan of one trip: which statements to Parse under which names, what to close first. */
  plan(statements: readonly BoundStatement[]): TripPlan {
    const names: string[] = [];
    const parse: boolean[] = [];
    const columns: Array<unknown[] | undefined> = [];
    const parsedNow: string[] = [];
    const inTrip = new Set<string>();
    const now = Date.now();
    for (const { text, planEachTime } of statements) {
      if (planEachTime) {
        names.push('');
        parse.push(true);
        columns.push(undefined);
        continue;
      }
      let name = this.byText.get(text);
      if (name !== undefined && !inTrip.has(name) && now - this.preparedAt.get(name)! > preparedStatementPolicy.maxAgeMs) {
        this.forget(text, name);
        name = undefined;
      }
      const known = name !== undefined;
      if (name === undefined) {
        name = `pm${++this.counter}`;
        this.preparedAt.set(name, now);
        parsedNow.push(name);
      } else {
        this.byText.delete(text); // re-inserted below: most recently used
      }
      this.byText.set(text, name);
      // The same text twice in one trip is parsed once.
      parse.push(!known && !inTrip.has(name));
      inTrip.add(name);
      names.push(name);
      columns.push(this.columns.get(name));
    }
    for (const [text, name] of this.byText) {
      if (this.byText.size <= preparedStatementPolicy.perConnection) break;
      if (!inTrip.has(name)) this.forget(text, name);
    }
    const close = this.closing;
    this.closing = [];
    return { names, parse, columns, close, parsedNow };
  }

  /** The columns a statement answered when described; kept while its name stays prepared. */
  described(name: string, fields: unknown[]): void {
    if (name !== '' && this.preparedAt.has(name)) this.columns.set(name, fields);
  }

  /** The trip failed: its new statements may not exist, and the closes it carried may not have run. */
  failed(trip: Pick<TripPlan, 'close' | 'parsedNow'>, error: unknown): void {
    const uncertain = new Set(trip.parsedNow);
    // A table changed under a kept plan (a migration by another process): the server will
    // not re-plan a statement whose result columns changed, so every statement is forgotten.
    const all = (error as { code?: string }).code === '0A000';
    for (const [text, name] of this.byText) {
      if (all || uncertain.has(name)) this.forget(text, name);
    }
    // The closes the trip carried are sent again: closing a name twice is not an error.
    this.closing.push(...trip.close);
  }

  /** Closed at the start of the next trip. */
  private forget(text: string, name: string): void {
    this.byText.delete(text);
    this.preparedAt.delete(name);
    this.columns.delete(name);
    this.closing.push(name);
  }
}

const preparedByConnection = new WeakMap<pg.Client, PreparedStatements>();

function preparedOf(client: pg.Client): PreparedStatements {
  let prepared = preparedByConnection.get(client);
  if (!prepared) preparedByConnection.set(client, (prepared = new PreparedStatements()));
  return prepared;
}

/** pg internals this module relies on: the connection's protocol writer and its type parsers. */
interface ProtocolConnection {
  stream: { cork(): void; uncork(): void };
  parse(query: { text: string; name: string; types: unknown[] }): void;
  bind(config: { statement: string; values: BoundStatement['values'] }): void;
  describe(msg: { type: 'P'; name: string }): void;
  execute(config: { portal: string }): void;
  close(msg: { type: 'S'; name: string }): void;
  sync(): void;
  sendCopyFail(message: string): void;
}

interface CommandMessage {
  text?: string;
  command?: string;
  fields?: unknown[];
}

/** What pg's Result.addFields makes of a column list, which parseRow only reads. */
interface PgResultInternals {
  fields: unknown[];
  _parsers: unknown;
  _prebuiltEmptyResultObject: unknown;
  addFields(fields: unknown[]): void;
}

/**
 * pg's setup of each kept column list (a connection's, so its type parsers): addFields builds
 * a parser list and a dictionary-mode empty row for every result, the all-in-one's busiest
 * JavaScript function under monitor reports (bench/FINDINGS.md). Keyed by the list the
 * statement's name keeps, so it goes with it.
 */
const resultSetups = new WeakMap<unknown[], { parsers: unknown; emptyRow: unknown }>();

/** A pg "submittable": the client hands it every protocol message until ReadyForQuery. */
class Trip {
  private readonly results: pg.Result[] = [];
  private current: pg.Result | null = null;
  private rowError: unknown = null;
  private settled = false;

  constructor(
    private readonly statements: readonly BoundStatement[],
    private readonly plan: TripPlan,
    private readonly types: unknown,
    private readonly settle: (error: unknown, rows?: Rows[]) => void,
    /** A statement was described: its columns, to be kept with its name. */
    private readonly described: (name: string, fields: unknown[]) => void,
  ) {}

  /** The statement whose messages arrive now: each one's end (CommandComplete) moves to the next. */
  private get at(): number {
    return this.results.length;
  }

  submit(connection: ProtocolConnection): void {
    // One write: corked until every message of the trip is queued.
    connection.stream.cork();
    try {
      for (const name of this.plan.close) connection.close({ type: 'S', name });
      this.statements.forEach((statement, i) => {
        const name = this.plan.names[i]!;
        if (this.plan.parse[i]) connection.parse({ text: statement.text, name, types: [] });
        connection.bind({ statement: name, values: statement.values });
        if (!this.plan.columns[i]) connection.describe({ type: 'P', name: '' });
        connection.execute({ portal: '' });
      });
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  handleRowDescription(msg: CommandMessage): void {
    this.current = this.resultWith(msg.fields ?? []);
    this.described(this.plan.names[this.at]!, msg.fields ?? []);
  }

  handleDataRow(msg: CommandMessage): void {
    if (this.rowError) return;
    if (!this.current) {
      const columns = this.plan.columns[this.at];
      if (!columns) {
        this.rowError = new Error(`statement ${this.at + 1} of the trip answered rows it was not described with`);
        return;
      }
      this.current = this.resultWith(columns);
    }
    const result = this.current as unknown as { parseRow(fields: unknown): Record<string, unknown>; addRow(row: unknown): void };
    try {
      result.addRow(result.parseRow(msg.fields));
    } catch (e) {
      this.rowError = e;
    }
  }

  handleCommandComplete(msg: CommandMessage): void {
    // Described and no RowDescription came (NoData): a statement without rows.
    if (!this.current && !this.plan.columns[this.at]) this.described(this.plan.names[this.at]!, []);
    const result = this.current ?? this.newResult();
    (result as unknown as { addCommandComplete(msg: CommandMessage): void }).addCommandComplete(msg);
    this.results.push(result);
    this.current = null;
  }

  handleEmptyQuery(): void {
    this.results.push(this.newResult());
  }

  handleError(error: unknown): void {
    this.finish(error);
  }

  handleReadyForQuery(): void {
    if (this.rowError) return this.finish(this.rowError);
    if (this.results.length !== this.statements.length) {
      return this.finish(new Error(`one round trip of ${this.statements.length} statements answered ${this.results.length} results`));
    }
    this.finish(null, this.results.map((r) => r.rows as Rows));
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(connection: ProtocolConnection): void {
    connection.sendCopyFail('COPY is not sent in a prepared trip');
  }

  handleCopyData(): void {}

  private newResult(): pg.Result {
    return new pg.Result(undefined as never, this.types as never);
  }

  /** A result for these columns; pg's setup of them (parsers, empty row) is made once per kept column list. */
  private resultWith(fields: unknown[]): pg.Result {
    const result = this.newResult() as unknown as PgResultInternals;
    const setup = resultSetups.get(fields);
    if (setup) {
      result.fields = fields;
      result._parsers = setup.parsers;
      result._prebuiltEmptyResultObject = setup.emptyRow;
    } else {
      result.addFields(fields);
      resultSetups.set(fields, { parsers: result._parsers, emptyRow: result._prebuiltEmptyResultObject });
    }
    return result as unknown as pg.Result;
  }

  private finish(error: unknown, rows?: Rows[]): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(error, rows);
  }
}

/**
 * Sends `statements` in one round trip on `client` and returns each one's rows. A failed
 * statement rejects the trip with its error; the ones after it were skipped.
 */
export function sendPreparedTrip(client: pg.Client, statements: readonly BoundStatement[]): Promise<Rows[]> {
  const prepared = preparedOf(client);
  const plan = prepared.plan(statements);
  // The client's own type parsers (MikroORM's: timestamps stay text).
  const types = (client as unknown as { _types?: unknown })._types;
  return new Promise<Rows[]>((resolve, reject) => {
    const trip = new Trip(
      statements,
      plan,
      types,
      (error, rows) => {
        if (error) {
          prepared.failed(plan, error);
          reject(error instanceof Error ? error : new Error(String(error)));
        } else resolve(rows!);
      },
      (name, fields) => prepared.described(name, fields),
    );
    void client.query(trip as unknown as pg.Submittable);
  });
}
