import { Migration } from '@mikro-orm/migrations';

/** The platform's own ledger accounts: clearing (the outside world, may go negative) and fees. */
export class Migration20261122015602_seed_platform_accounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      "insert into ledger_account (code, merchant_id, kind, balance, allow_negative) values " +
        "('platform:clearing', null, 'platform_clearing', 0, true), ('platform:fees', null, 'platform_fees', 0, false);",
    );
  }

  override async down(): Promise<void> {
    this.addSql("delete from ledger_account where code in ('platform:clearing', 'platform:fees');");
  }
}
