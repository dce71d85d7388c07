import { Migration } from '@mikro-orm/migrations';
import { seedPlatformAccountsSql, unseedPlatformAccountsSql } from '../shared/seeds.js';

/** The platform's own ledger accounts: clearing and fees. */
export class Migration20261122015602_seed_platform_accounts extends Migration {
  override async up(): Promise<void> {
    for (const sql of seedPlatformAccountsSql()) this.addSql(sql);
  }

  override async down(): Promise<void> {
    for (const sql of unseedPlatformAccountsSql()) this.addSql(sql);
  }
}
