import { signaturesMatch } from './constant-time.js';
import { md5Hex } from './md5.js';

/**
 * Document 002: plain concatenation in the documented order, e.g.
 * md5(uid + order_no + phone_number + face_value + md5key), lowercase hex.
 * There is no separator, so "39"+"28857" and "392"+"8857" sign alike; that is the protocol's
 * weakness, and callers must validate each field's own format before trusting it.
 */
export function concatMd5Sign(parts: ReadonlyArray<string | number>, md5key: string): string {
  if (!md5key) throw new Error('concatMd5Sign: empty key');
  return md5Hex(parts.map(String).join('') + md5key);
}

/** Hex compared case-insensitively; an empty key never verifies. Never throws. */
export function verifyConcatMd5(parts: ReadonlyArray<string | number>, md5key: string, sign: unknown): boolean {
  if (!md5key || typeof sign !== 'string') return false;
  return signaturesMatch(concatMd5Sign(parts, md5key), sign.toLowerCase());
}
