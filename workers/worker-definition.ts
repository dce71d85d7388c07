import type { Processor, WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../core/config.js';
import type { Core } from '../core/core.js';
import type { QueueName } from './queues.js';

export type WorkerDefinitionOptions = Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency'>;

/** One queue consumer: its queue, its processor and the worker options it owns. */
export interface WorkerDefinition {
  queue: QueueName;
  concurrency: number;
  /** Static, or derived from configuration (e.g. lock durations an operator or a test tunes). */
  options?: WorkerDefinitionOptions | ((config: Config) => WorkerDefinitionOptions);
  create(core: Core, log: Logger): Processor;
  /**
   * Recurring jobs this consumer wants (BullMQ job schedulers, upserted by id when the
   * runtime starts): however many processes upsert the same id, Redis holds one schedule
   * and each tick becomes one job that one worker takes.
   */
  schedules?(config: Config): JobSchedule[];
}

export interface JobSchedule {
  /** Scheduler id: stable, so a restart or a second process updates instead of adding. */
  id: string;
  everyMs: number;
  data: Record<string, unknown>;
}
