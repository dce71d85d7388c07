import { signaturesMatch } from './constant-time.js';
import { md5Hex } from './md5.js';

/**
 * How one received value enters a signed string. Values are signed as received, so adapters
 * should pass the raw strings of the request; numbers, booleans and bigints (a JSON body's
 * `"amount": 100`) are String()-ed, which gives what the client put on the wire for integers.
 * Objects and arrays are refused: no documented rule signs them, and String() would silently
 * sign "[object Object]" (a repeated query key arriving as an array ends up here too).
 * Returns undefined for null/undefined/"" — the "empty" values the sorted rules skip.
 */
export function signValueToString(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    default:
      throw new TypeError(`cannot sign a value of type ${Array.isArray(value) ? 'array' : typeof value}`);
  }
}

// Plain code-unit order, which is ASCII order for the ASCII keys the documents use;
// localeCompare would differ (e.g. it puts "a" before "B").
function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Shared by the 000 MD5 rule and the 003 RSA2 rule: every param not in `excluded` whose value
 * is non-empty, sorted by key, joined as `k=v` with `&`. Nothing is URL-encoded.
 */
export function sortedSignContent(params: Record<string, unknown>, excluded: readonly string[]): string {
  const parts: string[] = [];
  for (const key of Object.keys(params).sort(byKey)) {
    if (excluded.includes(key)) continue;
    const value = signValueToString(params[key]);
    if (value !== undefined) parts.push(`${key}=${value}`);
  }
  return parts.join('&');
}

/** Document 000, "the normal signature method": everything except `sign` and `sign_type`. */
export function sortedMd5SignString(params: Record<string, unknown>): string {
  return sortedSignContent(params, ['sign', 'sign_type']);
}

/** md5(signString + key): the key is appended directly, with no `&key=`. */
export function sortedMd5Sign(params: Record<string, unknown>, key: string): string {
  if (!key) throw new Error('sortedMd5Sign: empty key');
  return md5Hex(sortedMd5SignString(params) + key);
}

/**
 * Hex is compared case-insensitively (clients using uppercase-hex MD5 helpers are common and
 * it changes nothing about what was signed). Never throws: an empty key or an unsignable param
 * (object/array value) is simply a failed verification.
 */
export function verifySortedMd5(params: Record<string, unknown>, key: string, sign: unknown): boolean {
  if (!key || typeof sign !== 'string') return false;
  let expected: string;
  try {
    expected = sortedMd5Sign(params, key);
  } catch {
    return false;
  }
  return signaturesMatch(expected, sign.toLowerCase());
}
