import { Migration } from '@mikro-orm/migrations';

export class Migration20261122030817 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`audit_entry\` (\`id\` integer not null primary key autoincrement, \`actor\` text not null, \`action\` text not null, \`subject_type\` text not null, \`subject_id\` text not null, \`details\` json null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`audit_entry_subject_type_subject_id_index\` on \`audit_entry\` (\`subject_type\`, \`subject_id\`);`);

    this.addSql(`create table \`channel\` (\`id\` integer not null, \`name\` text not null, \`pay_type\` text null, \`plugin\` text null, \`enabled\` integer not null default true, primary key (\`id\`));`);

    this.addSql(`create table \`merchant\` (\`id\` integer not null primary key autoincrement, \`pid\` text not null, \`name\` text not null, \`status\` text not null default 'active', \`fee_rate_bp\` integer not null default 0, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`merchant_pid_unique\` on \`merchant\` (\`pid\`);`);

    this.addSql(`create table \`ledger_transaction\` (\`id\` integer not null primary key autoincrement, \`idempotency_key\` text not null, \`reason\` text not null, \`merchant_id\` integer null, \`created_at\` datetime not null, constraint \`ledger_transaction_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create unique index \`ledger_transaction_idempotency_key_unique\` on \`ledger_transaction\` (\`idempotency_key\`);`);
    this.addSql(`create index \`ledger_transaction_merchant_id_index\` on \`ledger_transaction\` (\`merchant_id\`);`);

    this.addSql(`create table \`ledger_account\` (\`id\` integer not null primary key autoincrement, \`code\` text not null, \`merchant_id\` integer null, \`kind\` text not null, \`balance\` bigint not null default 0, \`allow_negative\` integer not null default false, \`track_balance\` integer not null default true, constraint \`ledger_account_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create unique index \`ledger_account_code_unique\` on \`ledger_account\` (\`code\`);`);
    this.addSql(`create index \`ledger_account_merchant_id_index\` on \`ledger_account\` (\`merchant_id\`);`);

    this.addSql(`create table \`ledger_entry\` (\`id\` integer not null primary key autoincrement, \`transaction_id\` integer not null, \`account_id\` integer not null, \`amount\` bigint not null, \`balance_after\` bigint null, \`created_at\` datetime not null, constraint \`ledger_entry_transaction_id_foreign\` foreign key(\`transaction_id\`) references \`ledger_transaction\`(\`id\`) on update cascade, constraint \`ledger_entry_account_id_foreign\` foreign key(\`account_id\`) references \`ledger_account\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`ledger_entry_transaction_id_index\` on \`ledger_entry\` (\`transaction_id\`);`);
    this.addSql(`create index \`ledger_entry_account_id_index\` on \`ledger_entry\` (\`account_id\`);`);

    this.addSql(`create table \`credential\` (\`id\` integer not null primary key autoincrement, \`merchant_id\` integer not null, \`kind\` text not null, \`lookup\` text not null, \`secret_sealed\` text not null, \`secret_hint\` text not null, \`created_at\` datetime not null, \`rotated_at\` datetime null, constraint \`credential_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`credential_merchant_id_index\` on \`credential\` (\`merchant_id\`);`);
    this.addSql(`create unique index \`credential_merchant_id_kind_unique\` on \`credential\` (\`merchant_id\`, \`kind\`);`);
    this.addSql(`create unique index \`credential_kind_lookup_unique\` on \`credential\` (\`kind\`, \`lookup\`);`);

    this.addSql(`create table \`callback_delivery\` (\`id\` text not null, \`merchant_id\` integer null, \`profile\` text not null, \`subject_type\` text not null, \`subject_id\` text not null, \`url\` text not null, \`content_type\` text not null, \`body\` text not null, \`status\` text not null default 'pending', \`attempt_count\` integer not null default 0, \`next_attempt_at\` datetime null, \`delivered_at\` datetime null, \`created_at\` datetime not null, constraint \`callback_delivery_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`callback_delivery_merchant_id_index\` on \`callback_delivery\` (\`merchant_id\`);`);
    this.addSql(`create index \`callback_delivery_subject_type_subject_id_index\` on \`callback_delivery\` (\`subject_type\`, \`subject_id\`);`);

    this.addSql(`create table \`callback_attempt\` (\`id\` integer not null primary key autoincrement, \`delivery_id\` text not null, \`number\` integer not null, \`started_at\` datetime not null, \`http_status\` integer null, \`latency_ms\` integer not null, \`reply_snippet\` text null, \`error\` text null, \`success\` integer not null, constraint \`callback_attempt_delivery_id_foreign\` foreign key(\`delivery_id\`) references \`callback_delivery\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`callback_attempt_delivery_id_index\` on \`callback_attempt\` (\`delivery_id\`);`);
    this.addSql(`create unique index \`callback_attempt_delivery_id_number_unique\` on \`callback_attempt\` (\`delivery_id\`, \`number\`);`);

    this.addSql(`create table \`monitor_client\` (\`id\` integer not null primary key autoincrement, \`merchant_id\` integer not null, \`client_name\` text not null, \`online\` integer not null default false, \`last_heartbeat_at\` datetime null, \`ext_data\` text null, \`created_at\` datetime not null, constraint \`monitor_client_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`monitor_client_merchant_id_index\` on \`monitor_client\` (\`merchant_id\`);`);
    this.addSql(`create unique index \`monitor_client_merchant_id_client_name_unique\` on \`monitor_client\` (\`merchant_id\`, \`client_name\`);`);

    this.addSql(`create table \`collection_account\` (\`id\` integer not null primary key autoincrement, \`merchant_id\` integer not null, \`pay_type\` text not null, \`channel_code\` text not null, \`account_name\` text null, \`qr_content\` text not null, \`min_amount\` bigint null, \`max_amount\` bigint null, \`daily_cap\` bigint null, \`enabled\` integer not null default true, \`monitor_client_id\` integer null, \`online\` integer not null default false, \`last_heartbeat_at\` datetime null, \`created_at\` datetime not null, constraint \`collection_account_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade, constraint \`collection_account_monitor_client_id_foreign\` foreign key(\`monitor_client_id\`) references \`monitor_client\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`collection_account_merchant_id_index\` on \`collection_account\` (\`merchant_id\`);`);
    this.addSql(`create index \`collection_account_monitor_client_id_index\` on \`collection_account\` (\`monitor_client_id\`);`);
    this.addSql(`create index \`collection_account_merchant_id_pay_type_index\` on \`collection_account\` (\`merchant_id\`, \`pay_type\`);`);
    this.addSql(`create unique index \`collection_account_merchant_id_pay_type_account_name_unique\` on \`collection_account\` (\`merchant_id\`, \`pay_type\`, \`account_name\`);`);

    this.addSql(`create table \`openapi_app\` (\`id\` integer not null primary key autoincrement, \`app_id\` text not null, \`merchant_id\` integer not null, \`caller_public_key_pem\` text not null, \`created_at\` datetime not null, constraint \`openapi_app_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade);`);
    this.addSql(`create unique index \`openapi_app_app_id_unique\` on \`openapi_app\` (\`app_id\`);`);
    this.addSql(`create index \`openapi_app_merchant_id_index\` on \`openapi_app\` (\`merchant_id\`);`);

    this.addSql(`create table \`operator\` (\`id\` integer not null primary key autoincrement, \`uid\` text not null, \`name\` text not null, \`md5key_sealed\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`operator_uid_unique\` on \`operator\` (\`uid\`);`);

    this.addSql(`create table \`outbox_message\` (\`id\` text not null, \`topic\` text not null, \`payload\` json not null, \`created_at\` datetime not null, \`run_at\` datetime null, \`relayed_at\` datetime null, \`completed_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`outbox_message_relayed_at_completed_at_index\` on \`outbox_message\` (\`relayed_at\`, \`completed_at\`);`);

    this.addSql(`create table \`payin_order\` (\`id\` integer not null primary key autoincrement, \`public_id\` text not null, \`merchant_id\` integer not null, \`mrn\` text not null, \`channel_id\` integer not null, \`channel_plugin\` text not null, \`origin_amount\` bigint not null, \`payable_amount\` bigint not null, \`paid_amount\` bigint null, \`fee_amount\` bigint not null default 0, \`status\` text not null default 'pending', \`callback_url\` text not null, \`return_url\` text not null, \`payer\` text null, \`pay_action\` json null, \`collection_account_id\` integer null, \`upstream_trade_no\` text null, \`settled_via\` text null, \`expires_at\` datetime not null, \`paid_at\` datetime null, \`created_at\` datetime not null, constraint \`payin_order_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade);`);
    this.addSql(`create unique index \`payin_order_public_id_unique\` on \`payin_order\` (\`public_id\`);`);
    this.addSql(`create index \`payin_order_merchant_id_index\` on \`payin_order\` (\`merchant_id\`);`);
    this.addSql(`create index \`payin_order_collection_account_id_index\` on \`payin_order\` (\`collection_account_id\`);`);
    this.addSql(`create index \`payin_order_status_expires_at_index\` on \`payin_order\` (\`status\`, \`expires_at\`);`);
    this.addSql(`create unique index \`payin_order_merchant_id_mrn_unique\` on \`payin_order\` (\`merchant_id\`, \`mrn\`);`);

    this.addSql(`create table \`amount_claim\` (\`id\` integer not null primary key autoincrement, \`collection_account_id\` integer not null, \`payable_amount\` bigint not null, \`order_id\` integer not null, \`created_at\` datetime not null, constraint \`amount_claim_order_id_foreign\` foreign key(\`order_id\`) references \`payin_order\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create unique index \`amount_claim_order_id_unique\` on \`amount_claim\` (\`order_id\`);`);
    this.addSql(`create unique index \`amount_claim_collection_account_id_payable_amount_unique\` on \`amount_claim\` (\`collection_account_id\`, \`payable_amount\`);`);

    this.addSql(`create table \`payout\` (\`id\` integer not null primary key autoincrement, \`public_id\` text not null, \`merchant_id\` integer not null, \`mrn\` text not null, \`amount\` bigint not null, \`bank_name\` text not null, \`account_name\` text not null, \`account_number\` text not null, \`callback_url\` text not null, \`status\` text not null default 'pending', \`failure_reason\` text null, \`created_at\` datetime not null, \`finished_at\` datetime null, constraint \`payout_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade);`);
    this.addSql(`create unique index \`payout_public_id_unique\` on \`payout\` (\`public_id\`);`);
    this.addSql(`create index \`payout_merchant_id_index\` on \`payout\` (\`merchant_id\`);`);
    this.addSql(`create index \`payout_status_index\` on \`payout\` (\`status\`);`);
    this.addSql(`create unique index \`payout_merchant_id_mrn_unique\` on \`payout\` (\`merchant_id\`, \`mrn\`);`);

    this.addSql(`create table \`platform_key\` (\`id\` integer not null primary key autoincrement, \`name\` text not null, \`public_key_pem\` text not null, \`private_key_sealed\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create unique index \`platform_key_name_unique\` on \`platform_key\` (\`name\`);`);

    this.addSql(`create table \`report_replay\` (\`id\` integer not null primary key autoincrement, \`caller\` text not null, \`signature\` text not null, \`created_at\` datetime not null);`);
    this.addSql(`create index \`report_replay_created_at_index\` on \`report_replay\` (\`created_at\`);`);
    this.addSql(`create unique index \`report_replay_caller_signature_unique\` on \`report_replay\` (\`caller\`, \`signature\`);`);

    this.addSql(`create table \`third_party_account\` (\`id\` integer not null primary key autoincrement, \`merchant_id\` integer not null, \`account\` text not null, \`type\` integer not null, \`key_sealed\` text not null, \`key_hint\` text not null, \`enabled\` integer not null default true, \`online\` integer not null default false, \`last_heartbeat_at\` datetime null, \`created_at\` datetime not null, constraint \`third_party_account_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade);`);
    this.addSql(`create index \`third_party_account_merchant_id_index\` on \`third_party_account\` (\`merchant_id\`);`);
    this.addSql(`create unique index \`third_party_account_account_type_unique\` on \`third_party_account\` (\`account\`, \`type\`);`);

    this.addSql(`create table \`payment_report\` (\`id\` integer not null primary key autoincrement, \`merchant_id\` integer not null, \`source\` text not null, \`fingerprint\` text not null, \`upstream_order_id\` text null, \`order_ref\` text null, \`amount\` bigint not null, \`pay_type\` text not null, \`channel_code\` text null, \`collection_account_id\` integer null, \`third_party_account_id\` integer null, \`fields\` json not null, \`status\` text not null, \`reason\` text null, \`pay_in_order_id\` integer null, \`received_at\` datetime not null, \`matched_at\` datetime null, constraint \`payment_report_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade, constraint \`payment_report_third_party_account_id_foreign\` foreign key(\`third_party_account_id\`) references \`third_party_account\`(\`id\`) on delete set null on update cascade, constraint \`payment_report_pay_in_order_id_foreign\` foreign key(\`pay_in_order_id\`) references \`payin_order\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`payment_report_merchant_id_index\` on \`payment_report\` (\`merchant_id\`);`);
    this.addSql(`create unique index \`payment_report_fingerprint_unique\` on \`payment_report\` (\`fingerprint\`);`);
    this.addSql(`create index \`payment_report_third_party_account_id_index\` on \`payment_report\` (\`third_party_account_id\`);`);
    this.addSql(`create index \`payment_report_pay_in_order_id_index\` on \`payment_report\` (\`pay_in_order_id\`);`);
    this.addSql(`create index \`payment_report_merchant_id_status_index\` on \`payment_report\` (\`merchant_id\`, \`status\`);`);
    this.addSql(`create unique index \`payment_report_pay_in_order_id_unique\` on \`payment_report\` (\`pay_in_order_id\`);`);
    this.addSql(`create unique index \`payment_report_merchant_id_upstream_order_id_unique\` on \`payment_report\` (\`merchant_id\`, \`upstream_order_id\`);`);

    this.addSql(`create table \`monitor_notification\` (\`id\` integer not null primary key autoincrement, \`merchant_id\` integer not null, \`source\` text not null, \`format\` text not null, \`sender\` text null, \`package_name\` text null, \`app_name\` text null, \`title\` text null, \`message\` text not null, \`receive_time\` text null, \`device_name\` text null, \`content\` text not null, \`fingerprint\` text not null, \`parser\` text null, \`parsed\` json null, \`payment_report_id\` integer null, \`received_at\` datetime not null, constraint \`monitor_notification_merchant_id_foreign\` foreign key(\`merchant_id\`) references \`merchant\`(\`id\`) on update cascade, constraint \`monitor_notification_payment_report_id_foreign\` foreign key(\`payment_report_id\`) references \`payment_report\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`monitor_notification_merchant_id_index\` on \`monitor_notification\` (\`merchant_id\`);`);
    this.addSql(`create unique index \`monitor_notification_fingerprint_unique\` on \`monitor_notification\` (\`fingerprint\`);`);
    this.addSql(`create index \`monitor_notification_payment_report_id_index\` on \`monitor_notification\` (\`payment_report_id\`);`);
  }

}
