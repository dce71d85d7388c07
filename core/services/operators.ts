import type { EntityManager } from '@mikro-orm/knex';
import { Operator } from '../entities/index.js';
import { randomDigits, randomSecret, type SecretBox } from '../crypto/secret-box.js';
import { CoreError, isUniqueViolation } from './errors.js';

/** Document 002 upstream operators: a `uid` and an MD5 key, sealed at rest. */
export class OperatorService {
  constructor(private readonly secrets: SecretBox) {}

  /** Creates an operator; returns the key in clear, to show once. */
  async create(em: EntityManager, input: { name: string }): Promise<{ operator: Operator; uid: string; md5key: string }> {
    const name = input.name.trim();
    if (!name || name.length > 128) throw new CoreError('invalid_input', 'operator name must be 1–128 characters');
    for (let attempt = 0; ; attempt++) {
      const md5key = randomSecret(16);
      const operator = em.create(Operator, { uid: randomDigits(7), name, md5keySealed: this.secrets.seal(md5key) });
      try {
        await em.persistAndFlush(operator);
        return { operator, uid: operator.uid, md5key };
      } catch (e) {
        em.clear();
        if (attempt < 3 && isUniqueViolation(e)) continue;
        throw e;
      }
    }
  }

  /** The operator and its key in clear (for signature checks), or null. */
  async open(em: EntityManager, uid: string): Promise<{ operator: Operator; md5key: string } | null> {
    const operator = await em.findOne(Operator, { uid });
    return operator ? { operator, md5key: this.secrets.open(operator.md5keySealed) } : null;
  }
}
