import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from './config.js';
import type { SecretBox } from './crypto/secret-box.js';
import { CallbackService } from './services/callback-service.js';
import { CollectionAccountService } from './services/collection-accounts.js';
import { CredentialService } from './services/credentials.js';
import { LedgerService } from './services/ledger.js';
import { MerchantService } from './services/merchants.js';
import { MonitorClientService } from './services/monitor-clients.js';
import { MonitorReportService } from './services/monitor-reports.js';
import { NotificationService } from './services/notifications.js';
import { OpenApiAppService } from './services/openapi-apps.js';
import { OperatorService } from './services/operators.js';
import { PaymentChannels, type CollectionAccountProvider } from './services/payment-channels.js';
import { PayInService } from './services/payins.js';
import { PayoutService } from './services/payouts.js';
import { ReportMatchingService } from './services/report-matching.js';
import { ReportGroupCommit } from './services/report-group-commit.js';
import { ReportReplayService } from './services/report-replays.js';
import { ThirdPartyAccountService } from './services/third-party-accounts.js';
import type { HeartbeatHandler, NotificationParser, PaymentChannelPlugin } from './ports/index.js';
import type { FirstAttemptHandoff } from './outbox/handoff.js';

/**
 * The one core every face (REST, GraphQL, workers, CLI) calls. It holds no HTTP, GraphQL
 * or queue code; faces get an EntityManager fork per request from `em()`.
 */
export interface Core {
  config: Config;
  orm: MikroORM;
  secrets: SecretBox;
  ledger: LedgerService;
  credentials: CredentialService;
  merchants: MerchantService;
  /** Callback deliveries: attempts, resend, per-subject status. */
  callbacks: CallbackService;
  operators: OperatorService;
  openApiApps: OpenApiAppService;
  /** Registered payment channel plugins and the channel-table routing rule. */
  channels: PaymentChannels;
  payins: PayInService;
  payouts: PayoutService;
  /** Document 000: collection accounts (personal payment codes) the monitor channel allocates to. */
  collectionAccounts: CollectionAccountService;
  /** Document 000: monitor clients, heartbeats and the offline sweep. */
  monitorClients: MonitorClientService;
  /** Document 000: monitor reports → paid orders (unmatched ones kept for review). */
  reportMatching: ReportMatchingService;
  /** Document 000: forwarded notifications and their parsers. */
  notifications: NotificationService;
  /** Document 000: third-party account agents and their keys. */
  thirdPartyAccounts: ThirdPartyAccountService;
  /** Document 000: timestamp window and replay refusal of signed monitor requests. */
  reportReplays: ReportReplayService;
  /** Document 000: the five monitor requests, each one transaction with its replay claim. */
  monitorReports: MonitorReportService;
  /** A fresh EntityManager for one unit of work (request, job, command). */
  em(): EntityManager;
  /**
   * Services call this after committing a transaction that owed outbox work, so the relay
   * in the same process moves it at once instead of at its next poll. A no-op by default.
   */
  outboxCommitted(): void;
  /** Installs the function `outboxCommitted` calls (the relay's nudge). */
  onOutboxCommitted(listener: () => void): void;
  /**
   * Offers this process's callback first attempts to the transactions that owe callbacks
   * (core/outbox/handoff.ts): a process that runs a relay with first attempts and takes
   * payments. None by default (every callback waits for a relay to claim it).
   */
  offerFirstAttempts(handoff: FirstAttemptHandoff | null): void;
}

export interface CoreDeps {
  config: Config;
  orm: MikroORM;
  secrets: SecretBox;
  /** Payment channel plugins (adapters/channels/index.ts); none by default. */
  channels?: PaymentChannelPlugin[];
  /** Where channels read collection accounts from; by default document 000's collection accounts. */
  collectionAccounts?: CollectionAccountProvider;
  /** Notification parsers (adapters/parsers/index.ts); none by default. */
  notificationParsers?: NotificationParser[];
  /** Heartbeat handlers (adapters/heartbeat-handlers/index.ts); none by default. */
  heartbeatHandlers?: HeartbeatHandler[];
}

export function createCore(input: CoreDeps): Core {
  const { channels: plugins = [], collectionAccounts: accountProvider, notificationParsers = [], heartbeatHandlers = [], ...deps } = input;
  const ledger = new LedgerService();
  const credentials = new CredentialService(deps.secrets, deps.config.SIGNING_KEY_CACHE_MS);
  const merchants = new MerchantService(credentials, ledger);
  let outboxListener = (): void => undefined;
  const outboxCommitted = (): void => outboxListener();
  let firstAttempts: FirstAttemptHandoff | null = null;
  const collectionAccounts = new CollectionAccountService(deps.config);
  const channels = new PaymentChannels(plugins, deps.config, deps.secrets, accountProvider ?? collectionAccounts.views);
  const payins = new PayInService(deps.config, deps.secrets, ledger, channels, outboxCommitted, () => firstAttempts);
  const monitorClients = new MonitorClientService(deps.config);
  const reportMatching = new ReportMatchingService(deps.config, payins, outboxCommitted);
  const notifications = new NotificationService(notificationParsers, reportMatching);
  const thirdPartyAccounts = new ThirdPartyAccountService(deps.config, deps.secrets);
  const reportReplays = new ReportReplayService(deps.config);
  return {
    ...deps,
    ledger,
    credentials,
    merchants,
    callbacks: new CallbackService(deps.config, outboxCommitted),
    operators: new OperatorService(deps.secrets),
    openApiApps: new OpenApiAppService(deps.secrets),
    channels,
    payins,
    payouts: new PayoutService(deps.secrets, ledger, outboxCommitted),
    collectionAccounts,
    monitorClients,
    reportMatching,
    notifications,
    thirdPartyAccounts,
    reportReplays,
    monitorReports: new MonitorReportService(
      reportReplays,
      new ReportGroupCommit(reportMatching, { transactions: deps.config.REPORT_TRANSACTIONS, reports: deps.config.REPORT_GROUP_SIZE }),
      notifications, monitorClients, thirdPartyAccounts, heartbeatHandlers, outboxCommitted),
    em: () => deps.orm.em.fork() as EntityManager,
    outboxCommitted,
    onOutboxCommitted: (listener) => {
      outboxListener = listener;
    },
    offerFirstAttempts: (handoff) => {
      firstAttempts = handoff;
    },
  };
}
