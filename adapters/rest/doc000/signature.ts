import { createHmac } from 'node:crypto';
import { signaturesMatch, verifySortedMd5 } from '../../../core/signing/index.js';
import type { RawParams } from './params.js';

/** Which rule a request's `sign` satisfied; its normalised form is what replay refusal remembers. */
export type VerifiedSign = { rule: 'md5' | 'smsforwarder-hmac'; normalised: string };

/**
 * "The normal signature method": every parameter except `sign` and `sign_type` with a
 * non-empty value, sorted by key, `k=v` joined with `&`, the key appended, MD5 lowercase hex.
 */
export function verifyMd5Sign(params: RawParams, key: string): VerifiedSign | null {
  const sign = params.sign;
  if (typeof sign !== 'string' || !verifySortedMd5(params, key, sign)) return null;
  return { rule: 'md5', normalised: sign.toLowerCase() };
}

/** SmsForwarder's webhook sign: base64(HMAC-SHA256(key = secret, `${timestamp}\n${secret}`)). */
export function smsForwarderSign(timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/**
 * SmsForwarder URL-encodes its base64 sign once itself, and its form or GET modes may
 * encode it again or not at all, so the sign arrives as base64, or URL-encoded base64, and
 * a `+` may have become a space on the way. All three spellings are the same signature.
 */
export function normaliseSmsForwarderSign(sign: string): string {
  let value = sign.trim();
  for (let i = 0; i < 2 && /%[0-9a-f]{2}/i.test(value); i++) {
    try {
      value = decodeURIComponent(value);
    } catch {
      break;
    }
  }
  return value.replace(/ /g, '+');
}

/** The stock SmsForwarder rule, accepted on `/api/report/{pid}` as an alternative to MD5. */
export function verifySmsForwarderSign(params: RawParams, key: string): VerifiedSign | null {
  const sign = params.sign;
  const timestamp = params.timestamp;
  if (typeof sign !== 'string' || (typeof timestamp !== 'string' && typeof timestamp !== 'number') || !key) return null;
  const given = normaliseSmsForwarderSign(sign);
  if (!signaturesMatch(smsForwarderSign(String(timestamp), key), given)) return null;
  return { rule: 'smsforwarder-hmac', normalised: given };
}
