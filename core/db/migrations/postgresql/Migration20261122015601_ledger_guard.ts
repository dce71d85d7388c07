import { Migration } from '@mikro-orm/migrations';

/**
 * The database itself refuses a negative balance on an account that does not allow one.
 * A trigger rather than a CHECK so that the SQLite and PostgreSQL guards look alike and
 * the ORM's schema diff (which knows CHECKs, not triggers) stays empty.
 */
export class Migration20261122015601_ledger_guard extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function ledger_account_non_negative() returns trigger language plpgsql as $$
begin
  if new.balance < 0 and not new.allow_negative then
    raise exception 'ledger_account_non_negative' using errcode = '23514';
  end if;
  return new;
end $$;`);
    this.addSql(
      'create trigger ledger_account_non_negative before insert or update on ledger_account ' +
        'for each row execute function ledger_account_non_negative();',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger ledger_account_non_negative on ledger_account;');
    this.addSql('drop function ledger_account_non_negative();');
  }
}
