import { Migration } from '@mikro-orm/migrations';

export class Migration20261122082035_payin_paid_by_account extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`payin_order_collection_account_id_paid_at_index\` on \`payin_order\` (\`collection_account_id\`, \`paid_at\`);`);
  }

}
