import { signaturesMatch } from './constant-time.js';
import { md5Hex } from './md5.js';
import { signValueToString } from './sorted-md5.js';

/**
 * Document 004: `k1=v1&k2=v2&...&key=<secret>` with the fields in exactly the documented order
 * (they happen to be alphabetical, but the order is the contract, not a sort), MD5, lowercase hex.
 * Empty values are kept (`returnUrl=&key=...`): the documented strings list every field.
 */
export type SignField = readonly [name: string, value: string];

// Field orders as written in the 004 sign sections. The request table spells `appKey` and
// `channelId` with look-alike characters; the sign strings use plain ASCII, and those count.
export const PAYIN_REQUEST_FIELDS = ['amount', 'appKey', 'callbackUrl', 'channelId', 'mrn', 'returnUrl'] as const;
export const PAYIN_CALLBACK_FIELDS = ['amount', 'appKey', 'channel', 'mrn', 'originAmount'] as const;
/** Same string for GET /api/Payments/Query and GET /api/Payouts/Query (`callback` is not signed). */
export const QUERY_FIELDS = ['appKey', 'mrn'] as const;
export const PAYOUT_REQUEST_FIELDS = [
  'accountName',
  'accountNumber',
  'amount',
  'appKey',
  'bankName',
  'callbackUrl',
  'mrn',
] as const;
export const PAYOUT_CALLBACK_FIELDS = ['amount', 'appKey', 'mrn'] as const;

/**
 * Picks `fieldNames` from a received record, in that order; a missing/null value signs as "".
 * Throws TypeError for an object/array value (e.g. a repeated query key): answer it as invalid data.
 */
export function signFieldsFrom(record: Record<string, unknown>, fieldNames: readonly string[]): SignField[] {
  return fieldNames.map((name) => [name, signValueToString(record[name]) ?? ''] as const);
}

export function orderedMd5SignString(fields: ReadonlyArray<SignField>, key: string): string {
  return [...fields.map(([name, value]) => `${name}=${value}`), `key=${key}`].join('&');
}

export function orderedMd5Sign(fields: ReadonlyArray<SignField>, key: string): string {
  if (!key) throw new Error('orderedMd5Sign: empty key');
  return md5Hex(orderedMd5SignString(fields, key));
}

/** Hex compared case-insensitively; an empty key never verifies. Never throws. */
export function verifyOrderedMd5(fields: ReadonlyArray<SignField>, key: string, sign: unknown): boolean {
  if (!key || typeof sign !== 'string') return false;
  return signaturesMatch(orderedMd5Sign(fields, key), sign.toLowerCase());
}
