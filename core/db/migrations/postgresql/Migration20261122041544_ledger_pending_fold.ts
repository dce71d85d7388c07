import { Migration } from '@mikro-orm/migrations';

export class Migration20261122041544_ledger_pending_fold extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "ledger_entry" add column "pending_fold" boolean not null default false;`);
    this.addSql(`create index "ledger_entry_account_id_pending_fold_index" on "ledger_entry" ("account_id", "pending_fold");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "ledger_entry_account_id_pending_fold_index";`);
    this.addSql(`alter table "ledger_entry" drop column "pending_fold";`);
  }

}
