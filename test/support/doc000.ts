import { createHash } from 'node:crypto';
import type { Core } from '../../core/core.js';
import { CollectionAccount } from '../../core/entities/index.js';

/** A merchant as a document-000 monitor app knows it. */
export interface MonitorMerchant {
  id: number;
  pid: string;
  key: string;
}

export async function issueMonitorMerchant(core: Core, name = 'Doc000 Test Shop'): Promise<MonitorMerchant> {
  const issued = await core.merchants.create(core.em(), { name });
  return { id: issued.merchant.id, pid: issued.pid, key: issued.md5Key };
}

export type Params = Record<string, string | number>;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * "The normal signature method", spelled out here rather than taken from core/signing so
 * the tests check the server against the document: non-empty params except sign/sign_type,
 * sorted by key, `k=v` joined with `&`, the key appended directly, MD5 lowercase hex.
 */
export function md5Sign(params: Params, key: string): string {
  const text = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type' && String(params[k]) !== '')
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join('&');
  return md5(text + key);
}

export function signed(params: Params, key: string): Params {
  return { ...params, sign: md5Sign(params, key) };
}

/** Unix seconds now (the document's `timestamp`), shifted by `offsetSeconds`. */
export function nowSeconds(offsetSeconds = 0): number {
  return Math.floor(Date.now() / 1000) + offsetSeconds;
}

export interface Reply {
  status: number;
  json: { code: number; message: string; data: unknown };
  text: string;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Reply['json'], text };
}

export async function postJson(url: string, body: unknown): Promise<Reply> {
  return reply(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }));
}

export async function postForm(url: string, params: Params): Promise<Reply> {
  const body = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return reply(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }));
}

export async function getQuery(url: string, params: Params): Promise<Reply> {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  return reply(await fetch(`${url}?${query}`));
}

/** A collection account that is online now (its client just sent a heartbeat). */
export async function onlineAccount(
  core: Core,
  merchantId: number,
  over: { payType?: string; channelCode?: string; accountName?: string; clientName?: string; qrContent?: string; id?: number } = {},
): Promise<CollectionAccount> {
  const clientName = over.clientName ?? 'phone-1';
  const account = await core.collectionAccounts.create(core.em(), {
    merchantId,
    payType: over.payType ?? 'alipay',
    channelCode: over.channelCode ?? 'ali_qr',
    accountName: over.accountName ?? null,
    qrContent: over.qrContent ?? `https://qr.alipay.com/test-${merchantId}-${Math.random().toString(36).slice(2)}`,
    clientName,
  });
  await core.em().transactional((em) => core.monitorClients.heartbeat(em, { merchantId, clientName }));
  return account;
}

/** Collection account with a chosen id (the document's examples name `channel_account_id` 789). */
export async function accountWithId(core: Core, merchantId: number, id: number, over: { payType?: string; channelCode?: string } = {}): Promise<void> {
  const account = await core.collectionAccounts.create(core.em(), {
    merchantId,
    payType: over.payType ?? 'alipay',
    channelCode: over.channelCode ?? 'ali_qr',
    qrContent: `https://qr.alipay.com/fixed-${id}`,
  });
  await core.em().nativeUpdate(CollectionAccount, { id: account.id }, { id });
}
