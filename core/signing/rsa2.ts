import {
  type KeyObject,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import { sortedSignContent } from './sorted-md5.js';

/**
 * Document 003 (RSA2 open API): sign content is every common parameter except `sign` whose value
 * is non-empty, sorted by key, `k=v` joined with `&` (`sign_type` IS signed, unlike rule 000).
 * Signature: SHA256withRSA (PKCS#1 v1.5), base64.
 */
export function rsa2SignContent(params: Record<string, unknown>): string {
  return sortedSignContent(params, ['sign']);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64Strict(text: string): Buffer | undefined {
  // Whitespace is dropped because some Java encoders wrap base64 at 76 chars. Anything else
  // must be canonical base64: Buffer.from would silently skip stray characters, and two
  // spellings of one signature would defeat replay checks keyed on the sign string.
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  const bytes = Buffer.from(compact, 'base64');
  return bytes.toString('base64') === compact ? bytes : undefined;
}

// Keys pasted from config often carry literal "\n" sequences instead of line breaks.
function cleanPem(text: string): string {
  return text.trim().replace(/\\n/g, '\n');
}

function requireRsa(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`expected an RSA key, got ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

/**
 * Parses an RSA public key given as PEM (SPKI "PUBLIC KEY" or PKCS#1 "RSA PUBLIC KEY") or as bare
 * base64 DER without header lines, the way Alipay-style platforms hand keys out. Throws if invalid.
 */
export function loadRsaPublicKey(text: string): KeyObject {
  const pem = cleanPem(text);
  // createPublicKey would happily derive a public key from a private one; a private key in a
  // public-key slot is a configuration mistake worth surfacing.
  if (/PRIVATE KEY/.test(pem)) throw new Error('expected a public key, got a private key');
  if (pem.includes('-----BEGIN')) return requireRsa(createPublicKey(pem));
  const der = decodeBase64Strict(pem);
  if (!der) throw new Error('public key is neither PEM nor base64');
  try {
    return requireRsa(createPublicKey({ key: der, format: 'der', type: 'spki' }));
  } catch {
    return requireRsa(createPublicKey({ key: der, format: 'der', type: 'pkcs1' }));
  }
}

/** Same as loadRsaPublicKey for private keys: PEM (PKCS#8 or PKCS#1) or bare base64 DER. */
export function loadRsaPrivateKey(text: string): KeyObject {
  const pem = cleanPem(text);
  if (pem.includes('-----BEGIN')) return requireRsa(createPrivateKey(pem));
  const der = decodeBase64Strict(pem);
  if (!der) throw new Error('private key is neither PEM nor base64');
  try {
    return requireRsa(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  } catch {
    return requireRsa(createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }));
  }
}

/** Any accepted public key form → canonical SPKI PEM. Throws if invalid. */
export function normalizePublicKeyPem(text: string): string {
  return loadRsaPublicKey(text).export({ type: 'spki', format: 'pem' }).toString();
}

/** Any accepted private key form → canonical PKCS#8 PEM. Throws if invalid. */
export function normalizePrivateKeyPem(text: string): string {
  return loadRsaPrivateKey(text).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** SHA256withRSA over the UTF-8 bytes of `content`, base64. Pass a KeyObject to skip re-parsing. */
export function rsa2Sign(content: string, privateKey: string | KeyObject): string {
  const key = typeof privateKey === 'string' ? loadRsaPrivateKey(privateKey) : requireRsa(privateKey);
  if (key.type !== 'private') throw new Error('rsa2Sign needs a private key');
  return cryptoSign('sha256', Buffer.from(content, 'utf8'), key).toString('base64');
}

/** Never throws: a malformed signature, key or argument is just `false`. */
export function rsa2Verify(content: string, signBase64: unknown, publicKey: string | KeyObject): boolean {
  try {
    if (typeof content !== 'string' || typeof signBase64 !== 'string') return false;
    const signature = decodeBase64Strict(signBase64);
    if (!signature) return false;
    const key = typeof publicKey === 'string' ? loadRsaPublicKey(publicKey) : requireRsa(publicKey);
    if (key.type !== 'public') return false;
    return cryptoVerify('sha256', Buffer.from(content, 'utf8'), key, signature);
  } catch {
    return false;
  }
}

export function generateRsaKeyPair(bits = 2048): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}
