import { Migration } from '@mikro-orm/migrations';

export class Migration20261122060452_payin_order_account_amount_index extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index \`payin_order_collection_account_id_index\`;`);

    this.addSql(`create index \`payin_order_collection_account_id_payable_amount_index\` on \`payin_order\` (\`collection_account_id\`, \`payable_amount\`);`);
  }

}
