import type { MikroORM } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from './config.js';
import type { SecretBox } from './crypto/secret-box.js';
import { CredentialService } from './services/credentials.js';
import { LedgerService } from './services/ledger.js';
import { MerchantService } from './services/merchants.js';

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
  /** A fresh EntityManager for one unit of work (request, job, command). */
  em(): EntityManager;
  /**
   * Services call this after committing a transaction that owed outbox work, so the relay
   * in the same process moves it at once instead of at its next poll. A no-op by default.
   */
  outboxCommitted(): void;
  /** Installs the function `outboxCommitted` calls (the relay's nudge). */
  onOutboxCommitted(listener: () => void): void;
}

export function createCore(deps: { config: Config; orm: MikroORM; secrets: SecretBox }): Core {
  const ledger = new LedgerService();
  const credentials = new CredentialService(deps.secrets);
  const merchants = new MerchantService(credentials, ledger);
  let outboxListener = (): void => undefined;
  return {
    ...deps,
    ledger,
    credentials,
    merchants,
    em: () => deps.orm.em.fork() as EntityManager,
    outboxCommitted: () => outboxListener(),
    onOutboxCommitted: (listener) => {
      outboxListener = listener;
    },
  };
}
