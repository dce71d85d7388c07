import pg from 'pg';
import type { Logger } from 'pino';

export interface ListenerEvents {
  /** A notification arrived on the channel. */
  notification(): void;
  /** LISTEN is in place, after the first connection and after every reconnection: what was notified meanwhile was missed. */
  listening(): void;
  /** The connection was lost (or could not be opened): notifications are missed until `listening` is called again. */
  lost?(): void;
}

/**
 * One connection of its own LISTENing on one PostgreSQL channel. A lost connection is
 * opened again after `retryMs`. TCP keepalive ends a silently dead one too, but only after
 * the OS's probes give up (minutes): whoever relies on hearing everything bounds that
 * itself (SigningKeyCache's longest keep).
 */
export class PgChannelListener {
  private client: pg.Client | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly events: ListenerEvents,
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
    const client = new pg.Client({ connectionString: this.databaseUrl, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
    let lost = false;
    const onLost = (err?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      this.events.lost?.();
      // Every loss is logged (operators alert on it), an end without an error too.
      if (!this.stopped) this.log.warn({ err: err?.message ?? 'connection ended', channel: this.channel }, 'lost the LISTEN connection; opening it again');
      void client.end().catch(() => undefined);
      this.reconnectLater();
    };
    client.on('notification', () => this.events.notification());
    client.on('error', onLost);
    client.on('end', () => onLost());
    try {
      await client.connect();
      await client.query(`listen ${this.channel}`);
      if (this.stopped || lost) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.events.listening();
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
