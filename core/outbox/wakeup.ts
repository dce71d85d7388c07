import pg from 'pg';
import type { Logger } from 'pino';
import type { Core } from '../core.js';
import { runInOneTrip } from '../db/raw-sql.js';

/**
 * Wakes outbox relays in other processes when work was committed, over PostgreSQL's
 * LISTEN/NOTIFY: with the `api` and `workers` roles in separate processes a report's
 * callback would otherwise wait for the relay's next poll (OUTBOX_POLL_MS, 200 ms by
 * default) on the money path. The poll stays as the safety net: a lost notification costs
 * latency, never work.
 *
 * The NOTIFY is sent after the commit, on its own, not in the transaction that owed the
 * work: a NOTIFY in a transaction makes its COMMIT take a database-wide lock until the
 * commit is flushed, which would serialise every paying transaction.
 */
export const OUTBOX_CHANNEL = 'paymesh_outbox';

/**
 * The `outboxCommitted` of a process without a relay of its own (PostgreSQL): one NOTIFY at
 * a time; commits meanwhile are answered by one more when it returns, not one each.
 */
export function outboxWakeupSender(core: Core, log: Logger): () => void {
  let sending = false;
  let again = false;
  const send = async (): Promise<void> => {
    sending = true;
    do {
      again = false;
      try {
        await runInOneTrip(core.em(), [{ sql: `select pg_notify('${OUTBOX_CHANNEL}', '')`, params: [], returnsRows: true }]);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'outbox: could not wake the relays; they find the work at their next poll');
      }
    } while (again);
    sending = false;
  };
  return () => {
    if (sending) again = true;
    else void send();
  };
}

/**
 * A relay's ear: a connection of its own LISTENing on the outbox channel, calling `wake` on
 * each notification, and once on every (re)connection for what was committed while it was
 * not listening. A lost connection is opened again after `retryMs`.
 */
export class OutboxWakeupListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly wake: () => void,
    private readonly log: Logger,
    private readonly retryMs = 1000,
  ) {}

  start(): void {
    void this.connect();
  }

  /** The backend pid of the listening connection (tests); null while not connected. */
  get backendPid(): number | null {
    return (this.client as unknown as { processID?: number } | null)?.processID ?? null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      if (err && !this.stopped) this.log.warn({ err: err.message }, 'outbox: lost the LISTEN connection; opening it again');
      void client.end().catch(() => undefined);
      this.reconnectLater();
    };
    client.on('notification', () => this.wake());
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`listen ${OUTBOX_CHANNEL}`);
      if (this.stopped || lost) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.wake();
    } catch (err) {
      onLost(err as Error);
    }
  }

  private reconnectLater(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.retryMs);
  }
}
