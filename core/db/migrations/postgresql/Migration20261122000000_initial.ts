import { Migration } from '@mikro-orm/migrations';

export class Migration20261122030817 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "audit_entry" ("id" serial primary key, "actor" varchar(64) not null, "action" varchar(64) not null, "subject_type" varchar(32) not null, "subject_id" varchar(64) not null, "details" jsonb null, "created_at" timestamptz not null);`);
    this.addSql(`create index "audit_entry_subject_type_subject_id_index" on "audit_entry" ("subject_type", "subject_id");`);

    this.addSql(`create table "channel" ("id" int not null, "name" varchar(64) not null, "pay_type" varchar(16) null, "plugin" varchar(32) null, "enabled" boolean not null default true, constraint "channel_pkey" primary key ("id"));`);

    this.addSql(`create table "merchant" ("id" serial primary key, "pid" varchar(16) not null, "name" varchar(128) not null, "status" varchar(24) not null default 'active', "fee_rate_bp" int not null default 0, "created_at" timestamptz not null);`);
    this.addSql(`alter table "merchant" add constraint "merchant_pid_unique" unique ("pid");`);

    this.addSql(`create table "ledger_transaction" ("id" serial primary key, "idempotency_key" varchar(128) not null, "reason" varchar(64) not null, "merchant_id" int null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "ledger_transaction" add constraint "ledger_transaction_idempotency_key_unique" unique ("idempotency_key");`);

    this.addSql(`create table "ledger_account" ("id" serial primary key, "code" varchar(64) not null, "merchant_id" int null, "kind" varchar(24) not null, "balance" bigint not null default 0, "allow_negative" boolean not null default false, "track_balance" boolean not null default true);`);
    this.addSql(`alter table "ledger_account" add constraint "ledger_account_code_unique" unique ("code");`);

    this.addSql(`create table "ledger_entry" ("id" serial primary key, "transaction_id" int not null, "account_id" int not null, "amount" bigint not null, "balance_after" bigint null, "created_at" timestamptz not null);`);

    this.addSql(`create table "credential" ("id" serial primary key, "merchant_id" int not null, "kind" varchar(24) not null, "lookup" varchar(128) not null, "secret_sealed" text not null, "secret_hint" varchar(8) not null, "created_at" timestamptz not null, "rotated_at" timestamptz null);`);
    this.addSql(`alter table "credential" add constraint "credential_merchant_id_kind_unique" unique ("merchant_id", "kind");`);
    this.addSql(`alter table "credential" add constraint "credential_kind_lookup_unique" unique ("kind", "lookup");`);

    this.addSql(`create table "callback_delivery" ("id" varchar(36) not null, "merchant_id" int null, "profile" varchar(32) not null, "subject_type" varchar(32) not null, "subject_id" varchar(64) not null, "url" text not null, "content_type" varchar(64) not null, "body" text not null, "status" varchar(24) not null default 'pending', "attempt_count" int not null default 0, "next_attempt_at" timestamptz null, "delivered_at" timestamptz null, "created_at" timestamptz not null, constraint "callback_delivery_pkey" primary key ("id"));`);
    this.addSql(`create index "callback_delivery_subject_type_subject_id_index" on "callback_delivery" ("subject_type", "subject_id");`);

    this.addSql(`create table "callback_attempt" ("id" serial primary key, "delivery_id" varchar(36) not null, "number" int not null, "started_at" timestamptz not null, "http_status" int null, "latency_ms" int not null, "reply_snippet" varchar(256) null, "error" varchar(255) null, "success" boolean not null);`);
    this.addSql(`alter table "callback_attempt" add constraint "callback_attempt_delivery_id_number_unique" unique ("delivery_id", "number");`);

    this.addSql(`create table "monitor_client" ("id" serial primary key, "merchant_id" int not null, "client_name" varchar(64) not null, "online" boolean not null default false, "last_heartbeat_at" timestamptz null, "ext_data" text null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "monitor_client" add constraint "monitor_client_merchant_id_client_name_unique" unique ("merchant_id", "client_name");`);

    this.addSql(`create table "collection_account" ("id" serial primary key, "merchant_id" int not null, "pay_type" varchar(16) not null, "channel_code" varchar(32) not null, "account_name" varchar(64) null, "qr_content" text not null, "min_amount" bigint null, "max_amount" bigint null, "daily_cap" bigint null, "enabled" boolean not null default true, "monitor_client_id" int null, "online" boolean not null default false, "last_heartbeat_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`create index "collection_account_merchant_id_pay_type_index" on "collection_account" ("merchant_id", "pay_type");`);
    this.addSql(`alter table "collection_account" add constraint "collection_account_merchant_id_pay_type_account_name_unique" unique ("merchant_id", "pay_type", "account_name");`);

    this.addSql(`create table "openapi_app" ("id" serial primary key, "app_id" varchar(32) not null, "merchant_id" int not null, "caller_public_key_pem" text not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "openapi_app" add constraint "openapi_app_app_id_unique" unique ("app_id");`);

    this.addSql(`create table "operator" ("id" serial primary key, "uid" varchar(32) not null, "name" varchar(128) not null, "md5key_sealed" text not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "operator" add constraint "operator_uid_unique" unique ("uid");`);

    this.addSql(`create table "outbox_message" ("id" varchar(36) not null, "topic" varchar(64) not null, "payload" jsonb not null, "created_at" timestamptz not null, "run_at" timestamptz null, "relayed_at" timestamptz null, "completed_at" timestamptz null, constraint "outbox_message_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_message_relayed_at_completed_at_index" on "outbox_message" ("relayed_at", "completed_at");`);

    this.addSql(`create table "payin_order" ("id" serial primary key, "public_id" varchar(32) not null, "merchant_id" int not null, "mrn" varchar(64) not null, "channel_id" int not null, "channel_plugin" varchar(32) not null, "origin_amount" bigint not null, "payable_amount" bigint not null, "paid_amount" bigint null, "fee_amount" bigint not null default 0, "status" varchar(24) not null default 'pending', "callback_url" text not null, "return_url" text not null, "payer" varchar(128) null, "pay_action" jsonb null, "collection_account_id" int null, "upstream_trade_no" varchar(64) null, "settled_via" varchar(64) null, "expires_at" timestamptz not null, "paid_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "payin_order" add constraint "payin_order_public_id_unique" unique ("public_id");`);
    this.addSql(`create index "payin_order_collection_account_id_index" on "payin_order" ("collection_account_id");`);
    this.addSql(`create index "payin_order_status_expires_at_index" on "payin_order" ("status", "expires_at");`);
    this.addSql(`alter table "payin_order" add constraint "payin_order_merchant_id_mrn_unique" unique ("merchant_id", "mrn");`);

    this.addSql(`create table "amount_claim" ("id" serial primary key, "collection_account_id" int not null, "payable_amount" bigint not null, "order_id" int not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "amount_claim" add constraint "amount_claim_order_id_unique" unique ("order_id");`);
    this.addSql(`alter table "amount_claim" add constraint "amount_claim_collection_account_id_payable_amount_unique" unique ("collection_account_id", "payable_amount");`);

    this.addSql(`create table "payout" ("id" serial primary key, "public_id" varchar(32) not null, "merchant_id" int not null, "mrn" varchar(64) not null, "amount" bigint not null, "bank_name" varchar(128) not null, "account_name" varchar(128) not null, "account_number" varchar(64) not null, "callback_url" text not null, "status" varchar(24) not null default 'pending', "failure_reason" varchar(255) null, "created_at" timestamptz not null, "finished_at" timestamptz null);`);
    this.addSql(`alter table "payout" add constraint "payout_public_id_unique" unique ("public_id");`);
    this.addSql(`create index "payout_status_index" on "payout" ("status");`);
    this.addSql(`alter table "payout" add constraint "payout_merchant_id_mrn_unique" unique ("merchant_id", "mrn");`);

    this.addSql(`create table "platform_key" ("id" serial primary key, "name" varchar(64) not null, "public_key_pem" text not null, "private_key_sealed" text not null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "platform_key" add constraint "platform_key_name_unique" unique ("name");`);

    this.addSql(`create table "report_replay" ("id" serial primary key, "caller" varchar(64) not null, "signature" varchar(128) not null, "created_at" timestamptz not null);`);
    this.addSql(`create index "report_replay_created_at_index" on "report_replay" ("created_at");`);
    this.addSql(`alter table "report_replay" add constraint "report_replay_caller_signature_unique" unique ("caller", "signature");`);

    this.addSql(`create table "third_party_account" ("id" serial primary key, "merchant_id" int not null, "account" varchar(64) not null, "type" int not null, "key_sealed" text not null, "key_hint" varchar(8) not null, "enabled" boolean not null default true, "online" boolean not null default false, "last_heartbeat_at" timestamptz null, "created_at" timestamptz not null);`);
    this.addSql(`alter table "third_party_account" add constraint "third_party_account_account_type_unique" unique ("account", "type");`);

    this.addSql(`create table "payment_report" ("id" serial primary key, "merchant_id" int not null, "source" varchar(16) not null, "fingerprint" varchar(64) not null, "upstream_order_id" varchar(64) null, "order_ref" varchar(64) null, "amount" bigint not null, "pay_type" varchar(16) not null, "channel_code" varchar(32) null, "collection_account_id" int null, "third_party_account_id" int null, "fields" jsonb not null, "status" varchar(16) not null, "reason" varchar(32) null, "pay_in_order_id" int null, "received_at" timestamptz not null, "matched_at" timestamptz null);`);
    this.addSql(`alter table "payment_report" add constraint "payment_report_fingerprint_unique" unique ("fingerprint");`);
    this.addSql(`create index "payment_report_merchant_id_status_index" on "payment_report" ("merchant_id", "status");`);
    this.addSql(`alter table "payment_report" add constraint "payment_report_pay_in_order_id_unique" unique ("pay_in_order_id");`);
    this.addSql(`alter table "payment_report" add constraint "payment_report_merchant_id_upstream_order_id_unique" unique ("merchant_id", "upstream_order_id");`);

    this.addSql(`create table "monitor_notification" ("id" serial primary key, "merchant_id" int not null, "source" varchar(128) not null, "format" varchar(16) not null, "sender" varchar(128) null, "package_name" varchar(128) null, "app_name" varchar(128) null, "title" text null, "message" text not null, "receive_time" varchar(64) null, "device_name" varchar(128) null, "content" text not null, "fingerprint" varchar(64) not null, "parser" varchar(32) null, "parsed" jsonb null, "payment_report_id" int null, "received_at" timestamptz not null);`);
    this.addSql(`alter table "monitor_notification" add constraint "monitor_notification_fingerprint_unique" unique ("fingerprint");`);

    this.addSql(`alter table "ledger_transaction" add constraint "ledger_transaction_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "ledger_account" add constraint "ledger_account_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "ledger_entry" add constraint "ledger_entry_transaction_id_foreign" foreign key ("transaction_id") references "ledger_transaction" ("id") on update cascade;`);
    this.addSql(`alter table "ledger_entry" add constraint "ledger_entry_account_id_foreign" foreign key ("account_id") references "ledger_account" ("id") on update cascade;`);

    this.addSql(`alter table "credential" add constraint "credential_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "callback_delivery" add constraint "callback_delivery_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "callback_attempt" add constraint "callback_attempt_delivery_id_foreign" foreign key ("delivery_id") references "callback_delivery" ("id") on update cascade;`);

    this.addSql(`alter table "monitor_client" add constraint "monitor_client_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "collection_account" add constraint "collection_account_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "collection_account" add constraint "collection_account_monitor_client_id_foreign" foreign key ("monitor_client_id") references "monitor_client" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "openapi_app" add constraint "openapi_app_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "payin_order" add constraint "payin_order_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "amount_claim" add constraint "amount_claim_order_id_foreign" foreign key ("order_id") references "payin_order" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "payout" add constraint "payout_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "third_party_account" add constraint "third_party_account_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);

    this.addSql(`alter table "payment_report" add constraint "payment_report_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "payment_report" add constraint "payment_report_third_party_account_id_foreign" foreign key ("third_party_account_id") references "third_party_account" ("id") on update cascade on delete set null;`);
    this.addSql(`alter table "payment_report" add constraint "payment_report_pay_in_order_id_foreign" foreign key ("pay_in_order_id") references "payin_order" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "monitor_notification" add constraint "monitor_notification_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on update cascade;`);
    this.addSql(`alter table "monitor_notification" add constraint "monitor_notification_payment_report_id_foreign" foreign key ("payment_report_id") references "payment_report" ("id") on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "ledger_transaction" drop constraint "ledger_transaction_merchant_id_foreign";`);

    this.addSql(`alter table "ledger_account" drop constraint "ledger_account_merchant_id_foreign";`);

    this.addSql(`alter table "credential" drop constraint "credential_merchant_id_foreign";`);

    this.addSql(`alter table "callback_delivery" drop constraint "callback_delivery_merchant_id_foreign";`);

    this.addSql(`alter table "monitor_client" drop constraint "monitor_client_merchant_id_foreign";`);

    this.addSql(`alter table "collection_account" drop constraint "collection_account_merchant_id_foreign";`);

    this.addSql(`alter table "openapi_app" drop constraint "openapi_app_merchant_id_foreign";`);

    this.addSql(`alter table "payin_order" drop constraint "payin_order_merchant_id_foreign";`);

    this.addSql(`alter table "payout" drop constraint "payout_merchant_id_foreign";`);

    this.addSql(`alter table "third_party_account" drop constraint "third_party_account_merchant_id_foreign";`);

    this.addSql(`alter table "payment_report" drop constraint "payment_report_merchant_id_foreign";`);

    this.addSql(`alter table "monitor_notification" drop constraint "monitor_notification_merchant_id_foreign";`);

    this.addSql(`alter table "ledger_entry" drop constraint "ledger_entry_transaction_id_foreign";`);

    this.addSql(`alter table "ledger_entry" drop constraint "ledger_entry_account_id_foreign";`);

    this.addSql(`alter table "callback_attempt" drop constraint "callback_attempt_delivery_id_foreign";`);

    this.addSql(`alter table "collection_account" drop constraint "collection_account_monitor_client_id_foreign";`);

    this.addSql(`alter table "amount_claim" drop constraint "amount_claim_order_id_foreign";`);

    this.addSql(`alter table "payment_report" drop constraint "payment_report_pay_in_order_id_foreign";`);

    this.addSql(`alter table "payment_report" drop constraint "payment_report_third_party_account_id_foreign";`);

    this.addSql(`alter table "monitor_notification" drop constraint "monitor_notification_payment_report_id_foreign";`);

    this.addSql(`drop table if exists "audit_entry" cascade;`);

    this.addSql(`drop table if exists "channel" cascade;`);

    this.addSql(`drop table if exists "merchant" cascade;`);

    this.addSql(`drop table if exists "ledger_transaction" cascade;`);

    this.addSql(`drop table if exists "ledger_account" cascade;`);

    this.addSql(`drop table if exists "ledger_entry" cascade;`);

    this.addSql(`drop table if exists "credential" cascade;`);

    this.addSql(`drop table if exists "callback_delivery" cascade;`);

    this.addSql(`drop table if exists "callback_attempt" cascade;`);

    this.addSql(`drop table if exists "monitor_client" cascade;`);

    this.addSql(`drop table if exists "collection_account" cascade;`);

    this.addSql(`drop table if exists "openapi_app" cascade;`);

    this.addSql(`drop table if exists "operator" cascade;`);

    this.addSql(`drop table if exists "outbox_message" cascade;`);

    this.addSql(`drop table if exists "payin_order" cascade;`);

    this.addSql(`drop table if exists "amount_claim" cascade;`);

    this.addSql(`drop table if exists "payout" cascade;`);

    this.addSql(`drop table if exists "platform_key" cascade;`);

    this.addSql(`drop table if exists "report_replay" cascade;`);

    this.addSql(`drop table if exists "third_party_account" cascade;`);

    this.addSql(`drop table if exists "payment_report" cascade;`);

    this.addSql(`drop table if exists "monitor_notification" cascade;`);
  }

}
