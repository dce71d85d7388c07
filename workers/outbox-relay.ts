import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { OutboxMessage } from '../core/entities/index.js';
import { isQueueName, queueDefaults, type QueueName } from './queues.js';

const BATCH = 200;

/**
 * Moves committed outbox rows into BullMQ. Each row becomes the job whose id is the row
 * id, then is stamped `relayedAt`. A failed `add` (Redis down) leaves the row for the
 * next tick. Rows relayed but never completed are checked against Redis on start and
 * every `sweepEveryMs`: a job missing from Redis (lost, flushed) is added again.
 * Several relays may run at once: job-id dedup makes a double add harmless.
 */
export class OutboxRelay {
  private readonly queues = new Map<QueueName, Queue>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private lastSweep = 0;
  private stopped = false;

  constructor(
    private readonly core: Core,
    private readonly connection: Redis,
    private readonly log: Logger,
    private readonly options: { pollMs: number; prefix: string; sweepEveryMs?: number },
  ) {}

  start(): void {
    this.lastSweep = 0;
    this.schedule(0);
  }

  /** Relay now (called after a commit that owed work, so latency is not the poll interval). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** One relay pass; returns how many rows were enqueued. Exposed for tests. */
  async relayOnce(): Promise<number> {
    const em = this.core.em();
    const rows = await em.find(OutboxMessage, { relayedAt: null }, { orderBy: { createdAt: 'asc', id: 'asc' }, limit: BATCH });
    let relayed = 0;
    for (const row of rows) {
      if (!(await this.enqueue(row))) break; // Redis unavailable: keep order, retry later
      await em.nativeUpdate(OutboxMessage, { id: row.id, relayedAt: null }, { relayedAt: new Date() });
      relayed++;
    }
    return relayed;
  }

  /** Re-adds relayed-but-unfinished rows whose job Redis no longer has. Returns how many. */
  async sweepOnce(): Promise<number> {
    const em = this.core.em();
    const rows = await em.find(OutboxMessage, { relayedAt: { $ne: null }, completedAt: null }, { orderBy: { createdAt: 'asc' }, limit: 1000 });
    let readded = 0;
    for (const row of rows) {
      if (!isQueueName(row.topic)) continue;
      const job = await this.queue(row.topic).getJob(row.id);
      if (job) continue;
      if (await this.enqueue(row)) readded++;
    }
    if (readded) this.log.warn({ readded }, 'outbox: re-enqueued jobs missing from Redis');
    return readded;
  }

  private async enqueue(row: OutboxMessage): Promise<boolean> {
    if (!isQueueName(row.topic)) {
      this.log.error({ id: row.id, topic: row.topic }, 'outbox: unknown topic; row left for an operator');
      return true;
    }
    const delay = row.runAt ? Math.max(0, row.runAt.getTime() - Date.now()) : 0;
    try {
      await this.queue(row.topic).add(row.topic, row.payload, { ...queueDefaults[row.topic], jobId: row.id, delay });
      return true;
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'outbox: Redis unavailable, will retry');
      return false;
    }
  }

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.connection, prefix: this.options.prefix });
      // A queue error (Redis down) is expected and handled by retrying the row later.
      q.on('error', () => undefined);
      this.queues.set(name, q);
    }
    return q;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = (async () => {
      try {
        const sweepEvery = this.options.sweepEveryMs ?? 60_000;
        if (Date.now() - this.lastSweep >= sweepEvery) {
          this.lastSweep = Date.now();
          await this.sweepOnce();
        }
        let n: number;
        do {
          this.again = false;
          n = await this.relayOnce();
        } while ((n === BATCH || this.again) && !this.stopped);
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'outbox relay pass failed');
      }
    })();
    await this.running;
    this.running = null;
    this.schedule(this.again ? 0 : this.options.pollMs);
  }
}
