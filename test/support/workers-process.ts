/**
 * The queue side of the `workers` role as its own OS process, for tests that kill it:
 * boots a Core from the environment (DATABASE_URL, SECRET_KEY, REDIS_URL, REDIS_PREFIX,
 * CALLBACK_*) on an already migrated database and runs the outbox relay and every queue
 * consumer, wired as app/roles.ts wires them (without importing the HTTP side, which
 * would double the start-up time). Prints `ready` once consuming.
 *
 * Run it as `node --import tsx test/support/workers-process.ts` (cwd: the repo root), not
 * through the `tsx` binary: that one forks a second node process, so a SIGKILL would hit
 * only the wrapper and leave the real worker running.
 */
import 'reflect-metadata';
import { bootCore } from '../../app/boot.js';
import { createLogger } from '../../app/logger.js';
import { OutboxRelay } from '../../workers/outbox-relay.js';
import { producerConnection } from '../../workers/redis.js';
import { WorkerRuntime } from '../../workers/runtime.js';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('workers-process: REDIS_URL is required');
const log = createLogger(process.env.LOG_LEVEL ?? 'silent');
const core = await bootCore({ migrate: false, log });
const prefix = core.config.REDIS_PREFIX;
const producer = producerConnection(redisUrl);
producer.on('error', () => undefined);
const relay = new OutboxRelay(core, producer, log, { pollMs: core.config.OUTBOX_POLL_MS, prefix });
core.onOutboxCommitted(() => relay.nudge());
relay.start();
const workers = new WorkerRuntime(core, redisUrl, prefix, log);
workers.start();
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    await relay.stop();
    await workers.close();
    producer.disconnect();
    await core.orm.close(true);
    process.exit(0);
  })();
});
