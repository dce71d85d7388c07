/**
 * paymesh entry: `npm start` runs every role in one process on the embedded default;
 * `npm start -- api|workers` runs one role; `npm run migrate` applies migrations.
 */
import 'reflect-metadata';
import { ConfigError, loadConfig } from '../core/config.js';
import { bootCore } from './boot.js';
import { createLogger } from './logger.js';
import { RedisUnavailableError, resolveRedis } from './redis-launcher.js';
import { isRole, roleNeedsRedis, roles, startRole } from './roles.js';

async function main(): Promise<number> {
  const command = process.argv[2] ?? 'all';
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`paymesh: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const log = createLogger(config.LOG_LEVEL);

  if (command === 'migrate') {
    const core = await bootCore({ migrate: true, log });
    await core.orm.close(true);
    log.info('migrations up to date');
    return 0;
  }
  if (!isRole(command)) {
    console.error(`paymesh: unknown role "${command}"; expected one of: ${roles.join(', ')}, migrate`);
    return 1;
  }

  const redis = roleNeedsRedis(command) ? await resolveRedis(config.REDIS_URL) : { url: null, private: false, stop: async () => undefined };
  if (redis.private) log.warn({ url: redis.url }, 'no Redis on 127.0.0.1:6379: started a private redis-server under ./data/redis');
  const core = await bootCore({ migrate: command === 'all', log, serving: true });
  const running = await startRole(command, core, redis.url, log);
  log.info({ role: command, port: config.PORT, database: core.config.databaseKind }, 'paymesh started');

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, config.SHUTDOWN_GRACE_MS);
  force.unref();
  await running.stop();
  await core.orm.close(true);
  await redis.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof RedisUnavailableError || err instanceof ConfigError) console.error(`paymesh: ${err.message}`);
    else console.error(`paymesh: failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
