import { Migration } from '@mikro-orm/migrations';
import { seedChannelsSql, unseedChannelsSql } from '../shared/seeds.js';

/** Document 004's channel table (IDs 1–15). Data, not code: admins edit it afterwards. */
export class Migration20261122015600_seed_channels extends Migration {
  override async up(): Promise<void> {
    for (const sql of seedChannelsSql()) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of unseedChannelsSql()) this.addSql(sql);
  }
}
