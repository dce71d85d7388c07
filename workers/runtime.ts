import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { workerDefinitions } from './registry.js';
import { workerConnection } from './redis.js';

/** Runs every registered queue consumer; `close()` lets in-flight jobs finish first. */
export class WorkerRuntime {
  private readonly workers: Worker[] = [];
  private readonly connections: Redis[] = [];

  constructor(
    private readonly core: Core,
    private readonly redisUrl: string,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  start(): void {
    for (const def of workerDefinitions) {
      const connection = workerConnection(this.redisUrl);
      this.connections.push(connection);
      const log = this.log.child({ queue: def.queue });
      const worker = new Worker(def.queue, def.create(this.core, log), {
        ...def.options,
        connection,
        prefix: this.prefix,
        concurrency: def.concurrency,
      });
      worker.on('failed', (job, err) => log.warn({ jobId: job?.id, err: err.message }, 'job failed'));
      worker.on('error', (err) => log.warn({ err: err.message }, 'worker error'));
      this.workers.push(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    for (const c of this.connections) c.disconnect();
  }
}
