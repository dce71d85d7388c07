import type { EntityManager } from '@mikro-orm/knex';
import type { Core } from '../../../core/core.js';
import { CredentialKind, MerchantStatus, type Merchant } from '../../../core/entities/index.js';
import { verifyOrderedMd5, type SignField } from '../../../core/signing/index.js';
import { Doc004Refusal } from './errors.js';

/**
 * The merchant an `appKey` names, after checking the request's `sign` over `fields` (in
 * the documented order, `&key=<secret>` appended). Unknown or disabled appKey:
 * `object_not_found` ("无效的商户账户"); wrong sign: `sign_error`.
 */
export async function authenticate(core: Core, em: EntityManager, appKey: string, fields: SignField[], sign: string): Promise<Merchant> {
  const opened = await core.credentials.open(em, CredentialKind.AppKey, appKey);
  if (!opened || opened.merchant.status !== MerchantStatus.Active) throw new Doc004Refusal('object_not_found', 'unknown appKey');
  if (!verifyOrderedMd5(fields, opened.secret, sign)) throw new Doc004Refusal('sign_error', 'sign does not match');
  return opened.merchant;
}

/** Fields in the documented order with the values as received (the schemas kept them as wire text). */
export function signFields<T extends Record<string, unknown>>(values: T, order: readonly (keyof T & string)[]): SignField[] {
  return order.map((name) => [name, String(values[name] ?? '')] as const);
}
