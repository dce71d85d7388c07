import { AuditEntry } from './audit-entry.js';
import { CallbackAttempt } from './callback-attempt.js';
import { CallbackDelivery } from './callback-delivery.js';
import { Channel } from './channel.js';
import { Credential } from './credential.js';
import { LedgerAccount } from './ledger-account.js';
import { LedgerEntry } from './ledger-entry.js';
import { LedgerTransaction } from './ledger-transaction.js';
import { Merchant } from './merchant.js';
import { OpenApiApp } from './openapi-app.js';
import { Operator } from './operator.js';
import { OutboxMessage } from './outbox-message.js';
import { PayInOrder } from './payin-order.js';
import { Payout } from './payout.js';
import { PlatformKey } from './platform-key.js';

export * from './audit-entry.js';
export * from './callback-attempt.js';
export * from './callback-delivery.js';
export * from './channel.js';
export * from './credential.js';
export * from './ledger-account.js';
export * from './ledger-entry.js';
export * from './ledger-transaction.js';
export * from './merchant.js';
export * from './openapi-app.js';
export * from './operator.js';
export * from './outbox-message.js';
export * from './payin-order.js';
export * from './payout.js';
export * from './platform-key.js';

/** Every entity the ORM knows; a new entity is added here and gets a migration. */
export const allEntities = [
  AuditEntry,
  CallbackAttempt,
  CallbackDelivery,
  Channel,
  Credential,
  LedgerAccount,
  LedgerEntry,
  LedgerTransaction,
  Merchant,
  OpenApiApp,
  Operator,
  OutboxMessage,
  PayInOrder,
  Payout,
  PlatformKey,
];
