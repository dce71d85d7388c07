import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { bootCore } from '../../app/boot.js';
import type { Core } from '../../core/core.js';
import { createScratchDatabase, type ScratchDatabase } from '../../core/db/scratch-database.js';
import { outboxWakeupSender } from '../../core/outbox/wakeup.js';
import { startBenchReceiver, type BenchReceiver } from './callback-receiver.js';
import { EVENT_LOOP_PROBE } from './event-loop-samples.js';
import { freePort, startNodeProcess, waitUntilServing, type BenchProcess } from './processes.js';
import { RssSampler } from './rss-sampler.js';

export const BENCH_ADMIN_TOKEN = `bench-admin-${randomBytes(12).toString('hex')}`;
export const BENCH_SUBGRAPH_SECRET = `bench-subgraph-${randomBytes(12).toString('hex')}`;

export interface StackOptions {
  postgresUrl: string;
  redisUrl: string;
  /** Start the all-in-one process with `--cpu-prof` into this directory. */
  cpuProfileDir?: string;
  /** More flags for the all-in-one's node (e.g. `--trace-gc`; its output goes to all-in-one.log). */
  nodeArgs?: string[];
}

/**
 * Everything the sections share: a fresh PostgreSQL database, a unique Redis prefix, the
 * all-in-one process (`node --import tsx app/main.ts`, every role, production mode) with its
 * RSS sampled, a core in this process on the same database for fixtures, and the merchant's
 * callback receiver.
 */
export interface BenchStack {
  /** `http://127.0.0.1:<port>` of the all-in-one process. */
  baseUrl: string;
  app: BenchProcess;
  rss: RssSampler;
  core: Core;
  receiver: BenchReceiver;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  /** The environment of the all-in-one process (other roles start from it). */
  env: NodeJS.ProcessEnv;
  /** Where this run may write temporary files (profiles, configs). */
  tmpDir: string;
  /** Where the all-in-one's event-loop probe writes (event-loop-samples.ts). */
  loopProbeFile: string;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<BenchStack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error(`bench: cleanup failed: ${(e as Error).message}`));
  };
  try {
    const database: ScratchDatabase = await createScratchDatabase(opts.postgresUrl, 'bench');
    cleanups.push(() => database.drop());
    const prefix = `bench-${randomBytes(6).toString('hex')}`;
    const redis = new Redis(opts.redisUrl, { maxRetriesPerRequest: 1 });
    cleanups.push(async () => {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    });
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      REDIS_URL: opts.redisUrl,
      REDIS_PREFIX: prefix,
      SECRET_KEY: randomBytes(32).toString('hex'),
      ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      SUBGRAPH_SECRET: BENCH_SUBGRAPH_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      CALLBACK_ALLOW_LOOPBACK: 'true',
    };
    const tmpDir = mkdtempSync(join(tmpdir(), 'paymesh-bench-'));
    const loopProbeFile = join(tmpDir, 'all-in-one.event-loop');
    const app = startNodeProcess({
      name: 'all-in-one',
      entry: 'app/main.ts',
      env: { ...env, BENCH_LOOP_PROBE_FILE: loopProbeFile },
      logFile: join(tmpDir, 'all-in-one.log'),
      nodeArgs: [
        '--import',
        EVENT_LOOP_PROBE,
        ...(opts.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfileDir] : []),
        ...(opts.nodeArgs ?? []),
      ],
    });
    cleanups.push(() => app.stop());
    const baseUrl = `http://127.0.0.1:${port}`;
    const rss = new RssSampler(app.pid);
    rss.start();
    cleanups.push(async () => rss.stop());
    await waitUntilServing(app, `${baseUrl}/readyz`, 90_000);

    // Migrated by the all-in-one process; this core only writes fixtures through services.
    // What it owes wakes the all-in-one's relay as an `api` process's commits would.
    const core = await bootCore({ env, migrate: false });
    core.onOutboxCommitted(outboxWakeupSender(core, pino({ level: 'warn' })));
    cleanups.push(() => core.orm.close(true));
    const receiver = await startBenchReceiver();
    cleanups.push(() => receiver.close());
    return { baseUrl, app, rss, core, receiver, redis, redisUrl: opts.redisUrl, prefix, env, tmpDir, loopProbeFile, close };
  } catch (e) {
    await close();
    throw e;
  }
}

async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
