import { AmountClaim } from './amount-claim.js';
import { AuditEntry } from './audit-entry.js';
import { CallbackAttempt } from './callback-attempt.js';
import { CallbackDelivery } from './callback-delivery.js';
import { Channel } from './channel.js';
import { CollectionAccount } from './collection-account.js';
import { Credential } from './credential.js';
import { LedgerAccount } from './ledger-account.js';
import { LedgerEntry } from './ledger-entry.js';
import { LedgerTransaction } from './ledger-transaction.js';
import { Merchant } from './merchant.js';
import { MonitorClient } from './monitor-client.js';
import { MonitorNotification } from './monitor-notification.js';
import { OpenApiApp } from './openapi-app.js';
import { Operator } from './operator.js';
import { OutboxMessage } from './outbox-message.js';
import { PayInOrder } from './payin-order.js';
import { PaymentReport } from './payment-report.js';
import { Payout } from './payout.js';
import { PlatformKey } from './platform-key.js';
import { ReportReplay } from './report-replay.js';
import { ThirdPartyAccount } from './third-party-account.js';

export * from './amount-claim.js';
export * from './audit-entry.js';
export * from './callback-attempt.js';
export * from './callback-delivery.js';
export * from './channel.js';
export * from './collection-account.js';
export * from './credential.js';
export * from './ledger-account.js';
export * from './ledger-entry.js';
export * from './ledger-transaction.js';
export * from './merchant.js';
export * from './monitor-client.js';
export * from './monitor-notification.js';
export * from './openapi-app.js';
export * from './operator.js';
export * from './outbox-message.js';
export * from './payin-order.js';
export * from './payment-report.js';
export * from './payout.js';
export * from './platform-key.js';
export * from './report-replay.js';
export * from './third-party-account.js';

/** Every entity the ORM knows; a new entity is added here and gets a migration. */
export const allEntities = [
  AmountClaim,
  AuditEntry,
  CallbackAttempt,
  CallbackDelivery,
  Channel,
  CollectionAccount,
  Credential,
  LedgerAccount,
  LedgerEntry,
  LedgerTransaction,
  Merchant,
  MonitorClient,
  MonitorNotification,
  OpenApiApp,
  Operator,
  OutboxMessage,
  PayInOrder,
  PaymentReport,
  Payout,
  PlatformKey,
  ReportReplay,
  ThirdPartyAccount,
];
