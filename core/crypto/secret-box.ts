import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** Secrets kept opened: more than the merchants and operators one process serves at once. */
const OPENED_CACHE_ENTRIES = 4096;

/**
 * Seals secrets at rest with AES-256-GCM. A sealed value is `v1:<base64 iv|tag|ciphertext>`;
 * the version prefix leaves room to rotate the key or the algorithm later.
 */
export class SecretBox {
  private readonly key: Buffer;
  /**
   * Opened secrets by sealed value. Opening is a pure function of the sealed text (its IV
   * is random per seal), so a rotated secret is a new entry and nothing goes stale; the
   * money path opens the same merchant secrets for every request (bench/FINDINGS.md).
   * The secrets are in this process's memory while they are used anyway.
   */
  private readonly opened = new Map<string, string>();

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.key = key;
  }

  static fromHex(hex: string): SecretBox {
    return new SecretBox(Buffer.from(hex, 'hex'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  /**
   * A 32-byte key for one purpose (e.g. `channel:sandbox`), derived from the master key so
   * that every process of an installation agrees on it without another secret to configure,
   * and so that a leaked derived key reveals neither the master key nor its other derivations.
   */
  derive(purpose: string): Buffer {
    return createHmac('sha256', this.key).update(`paymesh-derive:${purpose}`).digest();
  }

  open(sealed: string): string {
    const known = this.opened.get(sealed);
    if (known !== undefined) return known;
    const plain = this.decrypt(sealed);
    if (this.opened.size >= OPENED_CACHE_ENTRIES) this.opened.delete(this.opened.keys().next().value!);
    this.opened.set(sealed, plain);
    return plain;
  }

  private decrypt(sealed: string): string {
    const [version, data] = sealed.split(':', 2);
    if (version !== VERSION || !data) throw new Error('unknown sealed secret format');
    const raw = Buffer.from(data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** A random secret for a client credential: URL-safe, `bytes` of entropy. */
export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

/** A random numeric string of `digits` digits not starting with 0 (merchant pid, operator uid). */
export function randomDigits(digits: number): string {
  const n = randomBytes(digits);
  let out = String(1 + (n[0]! % 9));
  for (let i = 1; i < digits; i++) out += String(n[i]! % 10);
  return out;
}
