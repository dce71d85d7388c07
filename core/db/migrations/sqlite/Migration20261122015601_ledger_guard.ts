import { Migration } from '@mikro-orm/migrations';

/**
 * The database itself refuses a negative balance on an account that does not allow one.
 * SQLite cannot add a CHECK to an existing table, so triggers do the same job.
 */
export class Migration20261122015601_ledger_guard extends Migration {
  override async up(): Promise<void> {
    for (const event of ['insert', 'update']) {
      this.addSql(
        `create trigger ledger_account_non_negative_${event} before ${event} on ledger_account ` +
          `when new.balance < 0 and not new.allow_negative ` +
          `begin select raise(abort, 'ledger_account_non_negative'); end;`,
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger ledger_account_non_negative_insert;');
    this.addSql('drop trigger ledger_account_non_negative_update;');
  }
}
