import { randomBytes } from 'node:crypto';
import { afterAll } from 'vitest';
import { loadConfig, type Config } from '../../core/config.js';
import { createCore, type Core } from '../../core/core.js';
import { SecretBox } from '../../core/crypto/secret-box.js';
import { migrate, openOrm } from '../../core/db/orm.js';
import { createScratchDatabase } from '../../core/db/scratch-database.js';
import { paymentChannelPlugins } from '../../adapters/channels/index.js';
import { notificationParsers } from '../../adapters/parsers/index.js';
import { testDatabaseBase, testScratchLabel } from './databases.js';

export { onPostgres, postgresBase, testDatabaseBase } from './databases.js';

export interface TestCore extends Core {
  databaseUrl: string;
  secretKeyHex: string;
}

/** A migrated scratch database and a Core on it, torn down after the file's tests. */
export async function setupTestCore(env: Record<string, string> = {}, options: { databaseBase?: string; poolSize?: number } = {}): Promise<TestCore> {
  const scratch = await createScratchDatabase(options.databaseBase ?? testDatabaseBase(), testScratchLabel());
  const secretKeyHex = randomBytes(32).toString('hex');
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: scratch.url,
    SECRET_KEY: secretKeyHex,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const orm = await openOrm({ databaseUrl: scratch.url, poolSize: options.poolSize ?? 20 });
  await migrate(orm);
  const core = createCore({ config, orm, secrets: SecretBox.fromHex(secretKeyHex), channels: paymentChannelPlugins, notificationParsers });
  afterAll(async () => {
    await orm.close(true);
    await scratch.drop();
  });
  return { ...core, databaseUrl: scratch.url, secretKeyHex };
}
