import type { Logger } from 'pino';
import { loadConfig, type Config } from '../core/config.js';
import { createCore, type Core } from '../core/core.js';
import { SecretBox } from '../core/crypto/secret-box.js';
import { migrate, openOrm } from '../core/db/orm.js';
import { resolveSecretKey } from './secret-key.js';
import { paymentChannelPlugins } from '../adapters/channels/index.js';
import { createHeartbeatHandlers } from '../adapters/heartbeat-handlers/index.js';
import { notificationParsers } from '../adapters/parsers/index.js';

export interface BootOptions {
  env?: NodeJS.ProcessEnv;
  /** Apply pending migrations (the all-in-one role and `migrate`); other roles refuse to run on an outdated schema. */
  migrate: boolean;
  log?: Logger;
  /** A serving role: PostgreSQL's pool is opened whole at start and kept open (OrmOptions.keepPoolOpen). */
  serving?: boolean;
}

/** Config → database → core: what every role and the CLI start with. */
export async function bootCore(opts: BootOptions): Promise<Core> {
  const config: Config = loadConfig(opts.env);
  const secretKey = resolveSecretKey(config);
  const orm = await openOrm({ databaseUrl: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, keepPoolOpen: opts.serving ?? false });
  try {
    const migrator = orm.getMigrator();
    if (opts.migrate) {
      const applied = await migrate(orm);
      if (applied.length) opts.log?.info({ applied }, 'database migrated');
    } else {
      const pending = await migrator.getPendingMigrations();
      if (pending.length) throw new Error(`the database needs ${pending.length} migration(s): run \`npm run migrate\` first`);
    }
  } catch (e) {
    await orm.close(true);
    throw e;
  }
  return createCore({
    config,
    orm,
    secrets: SecretBox.fromHex(secretKey),
    channels: paymentChannelPlugins,
    notificationParsers,
    heartbeatHandlers: createHeartbeatHandlers({ log: opts.log ?? { debug: () => undefined } }),
  });
}
