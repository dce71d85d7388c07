import type { EntityManager } from '@mikro-orm/knex';
import { CredentialKind, Merchant, MerchantStatus } from '../entities/index.js';
import { audit, type Actor } from './audit.js';
import { randomDigits, randomSecret } from '../crypto/secret-box.js';
import type { CredentialService } from './credentials.js';
import { CoreError, isUniqueViolation } from './errors.js';
import type { LedgerService } from './ledger.js';

/** Everything a new merchant needs to integrate, shown once. */
export interface IssuedMerchant {
  merchant: Merchant;
  pid: string;
  md5Key: string;
  appKey: string;
  appSecret: string;
  apiKey: string;
  dashboardToken: string;
}

export interface MerchantChanges {
  name?: string;
  status?: MerchantStatus;
  feeRateBp?: number;
}

export class MerchantService {
  constructor(
    private readonly credentials: CredentialService,
    private readonly ledger: LedgerService,
  ) {}

  /** Creates a merchant with its ledger accounts and one credential per dialect, in one transaction. */
  async create(em: EntityManager, input: { name: string; feeRateBp?: number }): Promise<IssuedMerchant> {
    const name = input.name.trim();
    if (!name || name.length > 128) throw new CoreError('invalid_input', 'merchant name must be 1–128 characters');
    const feeRateBp = input.feeRateBp ?? 0;
    if (!Number.isInteger(feeRateBp) || feeRateBp < 0 || feeRateBp > 10000) {
      throw new CoreError('invalid_input', 'feeRateBp must be an integer from 0 to 10000');
    }
    // A pid collision is astronomically rare with 8 digits but is retried, not surfaced.
    for (let attempt = 0; ; attempt++) {
      try {
        return await em.transactional(async (tx) => {
          const merchant = tx.create(Merchant, { pid: randomDigits(8), name, feeRateBp });
          await tx.flush();
          this.ledger.openMerchantAccounts(tx, merchant);
          const report = this.credentials.issue(tx, merchant, CredentialKind.ReportKey, merchant.pid, randomSecret(16));
          const appKey = `ak_${randomSecret(12)}`;
          const app = this.credentials.issue(tx, merchant, CredentialKind.AppKey, appKey);
          const api = this.credentials.issue(tx, merchant, CredentialKind.ApiKey, null, `pk_${randomSecret(24)}`);
          const dash = this.credentials.issue(tx, merchant, CredentialKind.DashboardToken, null, `mt_${randomSecret(24)}`);
          await tx.flush();
          return {
            merchant,
            pid: merchant.pid,
            md5Key: report.secret,
            appKey,
            appSecret: app.secret,
            apiKey: api.secret,
            dashboardToken: dash.secret,
          };
        });
      } catch (e) {
        if (attempt < 3 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
  }

  /**
   * Changes a merchant's name, status or fee rate, audited. A disabled merchant's
   * credentials stop working at once in every dialect (they check the status).
   */
  async update(em: EntityManager, merchantId: number, changes: MerchantChanges, actor: Actor): Promise<Merchant> {
    if (changes.name !== undefined && (!changes.name.trim() || changes.name.length > 128)) {
      throw new CoreError('invalid_input', 'merchant name must be 1–128 characters');
    }
    if (changes.feeRateBp !== undefined && (!Number.isInteger(changes.feeRateBp) || changes.feeRateBp < 0 || changes.feeRateBp > 10000)) {
      throw new CoreError('invalid_input', 'feeRateBp must be an integer from 0 to 10000');
    }
    if (changes.status !== undefined && !Object.values(MerchantStatus).includes(changes.status)) {
      throw new CoreError('invalid_input', `status must be one of ${Object.values(MerchantStatus).join(', ')}`);
    }
    return em.transactional(async (tx) => {
      const merchant = await tx.findOne(Merchant, { id: merchantId });
      if (!merchant) throw new CoreError('not_found', `no merchant ${merchantId}`);
      const before = { name: merchant.name, status: merchant.status, feeRateBp: merchant.feeRateBp };
      if (changes.name !== undefined) merchant.name = changes.name.trim();
      if (changes.status !== undefined) merchant.status = changes.status;
      if (changes.feeRateBp !== undefined) merchant.feeRateBp = changes.feeRateBp;
      audit(tx, actor, 'merchant.update', { type: 'merchant', id: merchant.id }, {
        before,
        after: { name: merchant.name, status: merchant.status, feeRateBp: merchant.feeRateBp },
      });
      return merchant;
    });
  }

  async byPid(em: EntityManager, pid: string): Promise<Merchant | null> {
    return em.findOne(Merchant, { pid });
  }

  async list(em: EntityManager): Promise<Merchant[]> {
    return em.find(Merchant, {}, { orderBy: { id: 'asc' } });
  }
}
