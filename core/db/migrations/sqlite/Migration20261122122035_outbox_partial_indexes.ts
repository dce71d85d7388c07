import { Migration } from '@mikro-orm/migrations';

export class Migration20261122122035_outbox_partial_indexes extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index if exists \`outbox_message_relayed_at_completed_at_index\`;`);

    this.addSql(`create index if not exists outbox_message_unfinished_index on outbox_message (created_at, id) where relayed_at is not null and completed_at is null;`);
    this.addSql(`create index if not exists outbox_message_callbacks_later_index on outbox_message (run_at) where relayed_at is null and topic = 'callbacks' and run_at is not null;`);
    this.addSql(`create index if not exists outbox_message_jobs_index on outbox_message (created_at, id) where relayed_at is null and topic <> 'callbacks';`);
    this.addSql(`create index if not exists outbox_message_callbacks_index on outbox_message (created_at, id) where relayed_at is null and topic = 'callbacks';`);
  }

}
