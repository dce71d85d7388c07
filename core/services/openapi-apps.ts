import type { EntityManager } from '@mikro-orm/knex';
import { type Merchant, OpenApiApp, PlatformKey } from '../entities/index.js';
import { randomDigits, type SecretBox } from '../crypto/secret-box.js';
import { generateRsaKeyPair, loadRsaPublicKey, normalizePublicKeyPem } from '../signing/index.js';
import { CoreError, isUniqueViolation } from './errors.js';

export const OPENAPI_PLATFORM_KEY = 'openapi-rsa2';

/**
 * Document 003 applications. The caller registers its RSA public key; the platform
 * answers with its own public key, whose private half (sealed) signs every response.
 */
export class OpenApiAppService {
  constructor(private readonly secrets: SecretBox) {}

  async create(em: EntityManager, merchant: Merchant, callerPublicKey: string): Promise<{ app: OpenApiApp; platformPublicKey: string }> {
    let pem: string;
    try {
      pem = normalizePublicKeyPem(callerPublicKey);
      loadRsaPublicKey(pem);
    } catch {
      throw new CoreError('invalid_input', 'the public key is not an RSA public key (PEM or base64 DER)');
    }
    const platform = await this.platformKey(em);
    for (let attempt = 0; ; attempt++) {
      const app = em.create(OpenApiApp, { appId: `2026${randomDigits(12)}`, merchant, callerPublicKeyPem: pem });
      try {
        await em.persistAndFlush(app);
        return { app, platformPublicKey: platform.publicKeyPem };
      } catch (e) {
        if (attempt < 3 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
  }

  /** The platform's RSA2 key pair, generated on first use. */
  async platformKey(em: EntityManager): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
    let key = await em.findOne(PlatformKey, { name: OPENAPI_PLATFORM_KEY });
    if (!key) {
      const pair = generateRsaKeyPair(2048);
      try {
        await em.insert(PlatformKey, {
          name: OPENAPI_PLATFORM_KEY,
          publicKeyPem: pair.publicKeyPem,
          privateKeySealed: this.secrets.seal(pair.privateKeyPem),
          createdAt: new Date(),
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e; // another process generated it first
      }
      key = await em.findOneOrFail(PlatformKey, { name: OPENAPI_PLATFORM_KEY });
    }
    return { publicKeyPem: key.publicKeyPem, privateKeyPem: this.secrets.open(key.privateKeySealed) };
  }
}
