import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { queueDefaults } from '../../workers/queues.js';
import { workerConnection } from '../../workers/redis.js';

export interface NoopRun {
  jobs: number;
  seconds: number;
  jobsPerSecond: number;
}

/**
 * BullMQ's own ceiling on this Redis: `jobs` no-op jobs (the callbacks queue's job options)
 * are loaded with addBulk, then a worker with the callback worker's concurrency takes them
 * all; the time from the worker's start to the last completion is what BullMQ itself costs
 * per job.
 */
export async function runNoopJobs(redisUrl: string, prefix: string, jobs: number, concurrency: number, maxSeconds: number): Promise<NoopRun> {
  const connection = workerConnection(redisUrl);
  const name = `noop-${Date.now()}`;
  const queue = new Queue(name, { connection, prefix });
  const workerRedis = workerConnection(redisUrl);
  let worker: Worker | undefined;
  try {
    for (let from = 0; from < jobs; from += 1000) {
      const batch = Array.from({ length: Math.min(1000, jobs - from) }, (_, i) => ({
        name,
        data: { deliveryId: `noop-${from + i}` },
        opts: { ...queueDefaults.callbacks, jobId: `noop-${from + i}` },
      }));
      await queue.addBulk(batch);
    }
    let completed = 0;
    let finish: () => void = () => undefined;
    const allDone = new Promise<void>((r) => (finish = r));
    const started = performance.now();
    worker = new Worker(name, async () => undefined, { connection: workerRedis, prefix, concurrency });
    worker.on('completed', () => {
      if (++completed === jobs) finish();
    });
    const timedOut = new Promise<void>((r) => setTimeout(r, maxSeconds * 1000).unref());
    await Promise.race([allDone, timedOut]);
    const seconds = (performance.now() - started) / 1000;
    return { jobs: completed, seconds, jobsPerSecond: completed / seconds };
  } finally {
    await worker?.close(true);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
    workerRedis.disconnect();
  }
}
