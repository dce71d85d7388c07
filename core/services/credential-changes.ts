import type { Logger } from 'pino';
import { PgChannelListener } from '../db/pg-listener.js';
import type { SigningKeyCache } from './signing-key-cache.js';

/**
 * The channel PostgreSQL notifies, from triggers, when a credential is updated or deleted
 * or a merchant's status changes (migration `…_credential_changes`): every writer is heard,
 * the CLI, another process, an operator's psql alike.
 */
export const CREDENTIALS_CHANNEL = 'paymesh_credentials';

/** What hears about credential changes. */
export type CredentialChangeEar = Pick<SigningKeyCache<unknown>, 'changed' | 'hearingChanges' | 'deaf'>;

/** LISTENs for credential changes on a connection of its own and tells `ear` of each, and of every loss and recovery. */
export function credentialChangeListener(databaseUrl: string, ear: CredentialChangeEar, log: Logger, retryMs = 1000): PgChannelListener {
  return new PgChannelListener(
    databaseUrl,
    CREDENTIALS_CHANNEL,
    { notification: () => ear.changed(), listening: () => ear.hearingChanges(), lost: () => ear.deaf() },
    log,
    retryMs,
  );
}
