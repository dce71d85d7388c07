import type { Processor, WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import type { QueueName } from './queues.js';

/** One queue consumer: its queue, its processor and the worker options it owns. */
export interface WorkerDefinition {
  queue: QueueName;
  concurrency: number;
  options?: Omit<WorkerOptions, 'connection' | 'prefix' | 'concurrency'>;
  create(core: Core, log: Logger): Processor;
}
