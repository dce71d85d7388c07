import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122030817 as Migration20261122000000_initial } from './Migration20261122000000_initial.js';
import { Migration20261122015600_seed_channels } from './Migration20261122015600_seed_channels.js';
import { Migration20261122015601_ledger_guard } from './Migration20261122015601_ledger_guard.js';
import { Migration20261122015602_seed_platform_accounts } from './Migration20261122015602_seed_platform_accounts.js';
import { Migration20261122041544_ledger_pending_fold } from './Migration20261122041544_ledger_pending_fold.js';
import { Migration20261122060452_payin_order_account_amount_index } from './Migration20261122060452_payin_order_account_amount_index.js';
import { Migration20261122082036_payin_paid_by_account } from './Migration20261122082036_payin_paid_by_account.js';
import { Migration20261122122036_outbox_partial_indexes } from './Migration20261122122036_outbox_partial_indexes.js';
import { Migration20261204000000_credential_changes } from './Migration20261204000000_credential_changes.js';

/** Checked-in postgresql migrations, in order. Maintained by `npm run migration:create`. */
export const postgresqlMigrations: MigrationObject[] = [
  { name: 'Migration20261122000000_initial', class: Migration20261122000000_initial },
  { name: 'Migration20261122015600_seed_channels', class: Migration20261122015600_seed_channels },
  { name: 'Migration20261122015601_ledger_guard', class: Migration20261122015601_ledger_guard },
  { name: 'Migration20261122015602_seed_platform_accounts', class: Migration20261122015602_seed_platform_accounts },
  { name: 'Migration20261122041544_ledger_pending_fold', class: Migration20261122041544_ledger_pending_fold },
  { name: 'Migration20261122060452_payin_order_account_amount_index', class: Migration20261122060452_payin_order_account_amount_index },
  { name: 'Migration20261122082036_payin_paid_by_account', class: Migration20261122082036_payin_paid_by_account },
  { name: 'Migration20261122122036_outbox_partial_indexes', class: Migration20261122122036_outbox_partial_indexes },
  { name: 'Migration20261204000000_credential_changes', class: Migration20261204000000_credential_changes },
];
