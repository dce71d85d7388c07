import type { EntityManager } from '@mikro-orm/knex';
import { Credential, CredentialKind, type PayInOrder, type Payout } from '../entities/index.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Statement } from '../db/raw-sql.js';
import { formatFenAsWholeYuan, formatFenAsYuan } from '../money/fen.js';
import { orderedMd5Sign, PAYIN_CALLBACK_FIELDS, PAYOUT_CALLBACK_FIELDS, type SignField } from '../signing/index.js';
import type { DeliveryToAttempt } from './callback-service.js';
import { oweCallback, owedCallbackStatements } from './callbacks.js';
import { CoreError } from './errors.js';

/**
 * The two callbacks document 004 defines. Pay-ins and payouts are document-004 objects
 * (their merchant identity is the appKey), so core freezes the exact form body when the
 * state change commits; the `doc004` delivery profile sends it as is.
 */
export const DOC004_CALLBACK_PROFILE = 'doc004';
export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

interface AppCredential {
  appKey: string;
  secret: string;
}

/** An appKey and its secret as stored (sealed), e.g. read along with the order being paid. */
export interface SealedAppCredential {
  appKey: string;
  secretSealed: string;
}

/** The merchant's document-004 appKey and its secret in clear (in memory only, to sign). */
export async function openAppCredential(em: EntityManager, secrets: SecretBox, merchantId: number): Promise<AppCredential> {
  const credential = await em.findOne(Credential, { merchant: merchantId, kind: CredentialKind.AppKey });
  if (!credential) throw new CoreError('not_found', `merchant ${merchantId} has no appKey`);
  return { appKey: credential.lookup, secret: secrets.open(credential.secretSealed) };
}

/** The signed fields in the documented order, then `sign`, form-encoded (UTF-8). */
function signedForm(fields: SignField[], secret: string): string {
  const form = new URLSearchParams(fields.map(([k, v]): [string, string] => [k, v]));
  form.append('sign', orderedMd5Sign(fields, secret));
  return form.toString();
}

/** What the pay-in callback says of its order. */
export type PayInCallbackFacts = Pick<PayInOrder, 'paidAmount' | 'payableAmount' | 'channelId' | 'mrn' | 'originAmount'>;

/**
 * `amount=<paid yuan>&appKey=&channel=<channelId>&mrn=&originAmount=<asked yuan>&sign=`.
 * Both amounts carry exactly two decimals ("精确到分").
 */
export function payInCallbackBody(order: PayInCallbackFacts, credential: AppCredential): string {
  const values: Record<(typeof PAYIN_CALLBACK_FIELDS)[number], string> = {
    amount: formatFenAsYuan(order.paidAmount ?? order.payableAmount),
    appKey: credential.appKey,
    channel: String(order.channelId),
    mrn: order.mrn,
    originAmount: formatFenAsYuan(order.originAmount),
  };
  return signedForm(PAYIN_CALLBACK_FIELDS.map((k) => [k, values[k]] as const), credential.secret);
}

/** `amount=<whole yuan>&appKey=&mrn=&sign=`. */
export function payoutCallbackBody(payout: Payout, credential: AppCredential): string {
  const values: Record<(typeof PAYOUT_CALLBACK_FIELDS)[number], string> = {
    amount: formatFenAsWholeYuan(payout.amount),
    appKey: credential.appKey,
    mrn: payout.mrn,
  };
  return signedForm(PAYOUT_CALLBACK_FIELDS.map((k) => [k, values[k]] as const), credential.secret);
}

/** Owes (in the caller's transaction) one document-004 callback, signed with the merchant's app secret now. */
async function oweDoc004Callback<T extends { merchant: { id: number }; publicId: string; callbackUrl: string }>(
  em: EntityManager,
  secrets: SecretBox,
  subject: { type: 'payin' | 'payout'; row: T },
  bodyOf: (row: T, credential: AppCredential) => string,
): Promise<string> {
  const merchantId = subject.row.merchant.id;
  return oweCallback(em, {
    profile: DOC004_CALLBACK_PROFILE,
    merchantId,
    subject: { type: subject.type, id: subject.row.publicId },
    url: subject.row.callbackUrl,
    contentType: FORM_CONTENT_TYPE,
    body: bodyOf(subject.row, await openAppCredential(em, secrets, merchantId)),
  });
}

/** Owes (in the caller's transaction) the pay-in callback of a paid order. */
export function owePayInCallback(em: EntityManager, secrets: SecretBox, order: PayInOrder): Promise<string> {
  return oweDoc004Callback(em, secrets, { type: 'payin', row: order }, payInCallbackBody);
}

/**
 * The pay-in callback of an order being paid, as statements to send with the payment's own
 * writes (owedCallbackStatements), signed with the appKey read sealed along with the order.
 */
export function payInCallbackStatements(
  em: EntityManager,
  secrets: SecretBox,
  order: PayInCallbackFacts & { merchantId: number; publicId: string; callbackUrl: string },
  sealed: SealedAppCredential | null,
  options: { claimedUntil?: Date } = {},
): { statements: Statement[]; delivery: DeliveryToAttempt } {
  if (!sealed) throw new CoreError('not_found', `merchant ${order.merchantId} has no appKey`);
  return owedCallbackStatements(
    em,
    {
      profile: DOC004_CALLBACK_PROFILE,
      merchantId: order.merchantId,
      subject: { type: 'payin', id: order.publicId },
      url: order.callbackUrl,
      contentType: FORM_CONTENT_TYPE,
      body: payInCallbackBody(order, { appKey: sealed.appKey, secret: secrets.open(sealed.secretSealed) }),
    },
    options,
  );
}

/** Owes (in the caller's transaction) the payout callback of a completed payout. */
export function owePayoutCallback(em: EntityManager, secrets: SecretBox, payout: Payout): Promise<string> {
  return oweDoc004Callback(em, secrets, { type: 'payout', row: payout }, payoutCallbackBody);
}
