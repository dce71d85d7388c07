import { Migration } from '@mikro-orm/migrations';

/**
 * Processes keep opened signing keys only while they hear of every change that could make
 * one wrong (core/services/signing-key-cache.ts): a credential updated or deleted, a
 * merchant's status changed or the merchant deleted. Triggers rather than application
 * code so that every writer is heard. The NOTIFY is delivered at COMMIT; statement-level,
 * so a bulk change notifies once. PostgreSQL only: SQLite has no other process to tell,
 * and nothing is kept there.
 */
export class Migration20261204000000_credential_changes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function paymesh_credentials_changed() returns trigger language plpgsql as $$
begin
  perform pg_notify('paymesh_credentials', '');
  return null;
end $$;`);
    this.addSql(
      'create trigger credential_changed after update or delete or truncate on credential ' +
        'for each statement execute function paymesh_credentials_changed();',
    );
    this.addSql(
      'create trigger merchant_status_changed after update of status or delete or truncate on merchant ' +
        'for each statement execute function paymesh_credentials_changed();',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop trigger merchant_status_changed on merchant;');
    this.addSql('drop trigger credential_changed on credential;');
    this.addSql('drop function paymesh_credentials_changed();');
  }
}
