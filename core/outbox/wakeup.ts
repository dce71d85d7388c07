import type { Logger } from 'pino';
import type { Core } from '../core.js';
import { PgChannelListener } from '../db/pg-listener.js';
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
  private readonly listener: PgChannelListener;

  constructor(databaseUrl: string, wake: () => void, log: Logger, retryMs = 1000) {
    this.listener = new PgChannelListener(databaseUrl, OUTBOX_CHANNEL, { notification: wake, listening: wake }, log, retryMs);
  }

  start(): void {
    this.listener.start();
  }

  /** The backend pid of the listening connection (tests); null while not connected. */
  get backendPid(): number | null {
    return this.listener.backendPid;
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }
}
