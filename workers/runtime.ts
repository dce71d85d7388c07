import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { WorkerDefinition } from './worker-definition.js';
import { workerDefinitions } from './registry.js';
import { workerConnection } from './redis.js';

/** Runs every registered queue consumer; `close()` lets in-flight jobs finish first. */
export class WorkerRuntime {
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];
  private readonly scheduleQueues: Queue[] = [];
  private readonly scheduling: Array<Promise<void>> = [];

  constructor(
    private readonly core: Core,
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly log: Logger,
    /** Every registered consumer by default; tests may run a subset. */
    private readonly definitions: readonly WorkerDefinition[] = workerDefinitions,
  ) {}

  start(): void {
    for (const def of this.definitions) {
      const connection = workerConnection(this.redisUrl);
      this.connections.push(connection);
      const log = this.log.child({ queue: def.queue });
      const options = typeof def.options === 'function' ? def.options(this.core.config) : def.options;
      const worker = new Worker(def.queue, def.create(this.core, log), {
        ...options,
        connection,
        prefix: this.prefix,
        concurrency: def.concurrency,
      });
      worker.on('failed', (job, err) => log.warn({ jobId: job?.id, err: err.message }, 'job failed'));
      worker.on('error', (err) => log.warn({ err: err.message }, 'worker error'));
      this.workers.push(worker);
      if (def.schedules) this.scheduling.push(this.upsertSchedules(def, connection, log));
    }
  }

  /** Resolves once every definition's job schedulers are in Redis (failures are logged, not thrown). */
  async scheduled(): Promise<void> {
    await Promise.all(this.scheduling);
  }

  private async upsertSchedules(def: WorkerDefinition, connection: Redis, log: Logger): Promise<void> {
    const queue = new Queue(def.queue, { connection, prefix: this.prefix });
    queue.on('error', () => undefined); // the worker on the same connection reports Redis trouble
    this.scheduleQueues.push(queue);
    for (const schedule of def.schedules!(this.core.config)) {
      try {
        await queue.upsertJobScheduler(schedule.id, { every: schedule.everyMs }, { name: schedule.id, data: schedule.data });
      } catch (err) {
        log.warn({ scheduler: schedule.id, err: (err as Error).message }, 'could not upsert job scheduler');
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.allSettled(this.scheduling);
    await Promise.all(this.scheduleQueues.map((q) => q.close()));
    for (const c of this.connections) c.disconnect();
  }
}
