import type { EntityManager } from '@mikro-orm/knex';
import type { Config } from '../config.js';
import { randomSecret, type SecretBox } from '../crypto/secret-box.js';
import { Merchant, ThirdPartyAccount } from '../entities/index.js';
import { audit, type Actor } from './audit.js';
import { CoreError, isUniqueViolation } from './errors.js';
import { checkText } from './order-input.js';

export interface ThirdPartyAccountInput {
  merchantId: number;
  account: string;
  /** The document's `type` (an integer account type the agent and merchant agree on). */
  type: number;
}

/** An opened account: the key in clear, only in memory, only to verify a signature. */
export interface OpenedThirdPartyAccount {
  account: ThirdPartyAccount;
  key: string;
}

export const THIRD_PARTY_TYPE_MAX = 2_147_483_647;

/**
 * Third-party account agents (document 000 `/api/report/third-account`): registered under a
 * merchant with a key of their own (sealed at rest, shown once), identified by (account, type).
 */
export class ThirdPartyAccountService {
  constructor(
    private readonly config: Config,
    private readonly secrets: SecretBox,
  ) {}

  /** Registers an account; returns its key in clear, to show once. */
  async create(em: EntityManager, input: ThirdPartyAccountInput, actor: Actor = 'system'): Promise<{ account: ThirdPartyAccount; key: string }> {
    checkText(input.account, 'account', 64);
    checkType(input.type);
    const merchant = await em.findOne(Merchant, { id: input.merchantId });
    if (!merchant) throw new CoreError('not_found', `no merchant ${input.merchantId}`);
    const key = randomSecret(16);
    try {
      const account = await em.transactional(async (tx) => {
        const created = tx.create(ThirdPartyAccount, {
          merchant: tx.getReference(Merchant, merchant.id),
          account: input.account,
          type: input.type,
          keySealed: this.secrets.seal(key),
          keyHint: key.slice(-4),
        });
        await tx.flush();
        audit(tx, actor, 'third_party_account.create', { type: 'third_party_account', id: created.id }, { account: input.account, type: input.type });
        await tx.flush();
        return created;
      });
      return { account, key };
    } catch (e) {
      if (isUniqueViolation(e)) throw new CoreError('duplicate', `third-party account ${input.account} of type ${input.type} already exists`);
      throw e;
    }
  }

  /** The enabled account a request names, with its key opened; null when unknown or disabled. */
  async open(em: EntityManager, account: string, type: number): Promise<OpenedThirdPartyAccount | null> {
    const found = await em.findOne(ThirdPartyAccount, { account, type, enabled: true }, { populate: ['merchant'] });
    if (!found) return null;
    return { account: found, key: this.secrets.open(found.keySealed) };
  }

  /** Replaces the key; returns the new one in clear, to show once. */
  async rotateKey(em: EntityManager, id: number, actor: Actor = 'system'): Promise<{ account: ThirdPartyAccount; key: string }> {
    return em.transactional(async (tx) => {
      const account = await tx.findOne(ThirdPartyAccount, { id });
      if (!account) throw new CoreError('not_found', `no third-party account ${id}`);
      const key = randomSecret(16);
      account.keySealed = this.secrets.seal(key);
      account.keyHint = key.slice(-4);
      audit(tx, actor, 'third_party_account.rotate_key', { type: 'third_party_account', id });
      await tx.flush();
      return { account, key };
    });
  }

  async setEnabled(em: EntityManager, id: number, enabled: boolean, actor: Actor = 'system'): Promise<ThirdPartyAccount> {
    return em.transactional(async (tx) => {
      const account = await tx.findOne(ThirdPartyAccount, { id });
      if (!account) throw new CoreError('not_found', `no third-party account ${id}`);
      account.enabled = enabled;
      audit(tx, actor, enabled ? 'third_party_account.enable' : 'third_party_account.disable', { type: 'third_party_account', id });
      await tx.flush();
      return account;
    });
  }

  async list(em: EntityManager, merchantId: number): Promise<ThirdPartyAccount[]> {
    return em.find(ThirdPartyAccount, { merchant: merchantId }, { orderBy: { id: 'asc' } });
  }

  /** Marks the account online, inside the caller's transaction. */
  async heartbeat(em: EntityManager, id: number, now = new Date()): Promise<void> {
    await em.nativeUpdate(ThirdPartyAccount, { id }, { online: true, lastHeartbeatAt: now });
  }

  /** Marks accounts silent for HEARTBEAT_OFFLINE_SECONDS offline. Idempotent. */
  async sweepOffline(em: EntityManager, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.HEARTBEAT_OFFLINE_SECONDS * 1000);
    return em.nativeUpdate(ThirdPartyAccount, { online: true, $or: [{ lastHeartbeatAt: null }, { lastHeartbeatAt: { $lte: cutoff } }] }, { online: false });
  }
}

function checkType(type: number): void {
  if (!Number.isSafeInteger(type) || type < 0 || type > THIRD_PARTY_TYPE_MAX) {
    throw new CoreError('invalid_input', 'type must be a non-negative integer', { field: 'type' });
  }
}
