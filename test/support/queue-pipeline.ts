import type { Redis } from 'ioredis';
import type { Core } from '../../core/core.js';
import { OutboxRelay } from '../../workers/outbox-relay.js';
import { producerConnection } from '../../workers/redis.js';
import { WorkerRuntime } from '../../workers/runtime.js';
import type { WorkerDefinition } from '../../workers/worker-definition.js';
import { dropPrefix, silentLog, testRedisUrl, uniquePrefix } from './redis.js';

/** The outbox relay and queue workers of one test file, on a BullMQ prefix of its own. */
export interface QueuePipeline {
  prefix: string;
  producer: Redis;
  relay: OutboxRelay;
  runtime: WorkerRuntime;
  /** Stops the relay and the workers, then deletes the file's Redis keys. */
  close(): Promise<void>;
}

/**
 * Starts what the `workers` role runs, against `core`: the relay (nudged by
 * `core.outboxCommitted()`, polling every 50 ms, making callbacks' first attempts as
 * CALLBACK_FIRST_ATTEMPTS says) and the given queue workers (all
 * registered ones by default).
 */
export function startQueuePipeline(core: Core, label: string, definitions?: WorkerDefinition[]): QueuePipeline {
  const prefix = uniquePrefix(label);
  const producer = producerConnection(testRedisUrl);
  const firstAttempts = core.config.CALLBACK_FIRST_ATTEMPTS > 0 ? { limit: core.config.CALLBACK_FIRST_ATTEMPTS } : undefined;
  const relay = new OutboxRelay(core, producer, silentLog, { pollMs: 50, prefix, firstAttempts });
  const runtime = new WorkerRuntime(core, testRedisUrl, prefix, silentLog, definitions);
  core.onOutboxCommitted(() => relay.nudge());
  relay.start();
  runtime.start();
  return {
    prefix,
    producer,
    relay,
    runtime,
    close: async () => {
      await relay.stop();
      await runtime.close();
      await dropPrefix(producer, prefix);
      producer.disconnect();
    },
  };
}
