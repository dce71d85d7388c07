import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildHttpServer } from '../../app/http.js';
import type { Core } from '../../core/core.js';
import { accountCode, PLATFORM_CLEARING } from '../../core/services/ledger.js';

/** A merchant as a document-004 client knows it. */
export interface Doc004Merchant {
  id: number;
  appKey: string;
  appSecret: string;
}

export async function issueDoc004Merchant(core: Core, feeRateBp = 0): Promise<Doc004Merchant> {
  const issued = await core.merchants.create(core.em(), { name: 'Doc004 Test Shop', feeRateBp });
  return { id: issued.merchant.id, appKey: issued.appKey, appSecret: issued.appSecret };
}

/** Puts `fen` on the merchant's available balance (as if pay-ins had settled). */
export async function fundMerchant(core: Core, merchantId: number, fen: number, key = `test:${merchantId}:fund:${fen}:${Math.random()}`): Promise<void> {
  await core.em().transactional((em) =>
    core.ledger.post(em, {
      idempotencyKey: key,
      reason: 'test_funding',
      merchantId,
      legs: [
        { account: PLATFORM_CLEARING, amount: -fen },
        { account: accountCode(merchantId, 'available'), amount: fen },
      ],
    }),
  );
}

type Params = Record<string, string | number>;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const v = (p: Params, k: string) => String(p[k] ?? '');

// The sign strings exactly as the document writes them, spelled out here rather than
// built with core/signing, so the tests check the server against the document.
export const signPayIn = (p: Params, key: string): Params => ({
  ...p,
  sign: md5(`amount=${v(p, 'amount')}&appKey=${v(p, 'appKey')}&callbackUrl=${v(p, 'callbackUrl')}&channelId=${v(p, 'channelId')}&mrn=${v(p, 'mrn')}&returnUrl=${v(p, 'returnUrl')}&key=${key}`),
});
export const signPayout = (p: Params, key: string): Params => ({
  ...p,
  sign: md5(
    `accountName=${v(p, 'accountName')}&accountNumber=${v(p, 'accountNumber')}&amount=${v(p, 'amount')}&appKey=${v(p, 'appKey')}&bankName=${v(p, 'bankName')}&callbackUrl=${v(p, 'callbackUrl')}&mrn=${v(p, 'mrn')}&key=${key}`,
  ),
});
export const signQuery = (p: Params, key: string): Params => ({ ...p, sign: md5(`appKey=${v(p, 'appKey')}&mrn=${v(p, 'mrn')}&key=${key}`) });

/** The pay-in callback sign as documented: amount, appKey, channel, mrn, originAmount. */
export const payInCallbackSign = (f: Record<string, string>, key: string): string =>
  md5(`amount=${f.amount}&appKey=${f.appKey}&channel=${f.channel}&mrn=${f.mrn}&originAmount=${f.originAmount}&key=${key}`);
/** The payout callback sign as documented: amount, appKey, mrn. */
export const payoutCallbackSign = (f: Record<string, string>, key: string): string => md5(`amount=${f.amount}&appKey=${f.appKey}&mrn=${f.mrn}&key=${key}`);

/** The real HTTP server on 127.0.0.1 and an ephemeral port. */
export async function startHttp(core: Core): Promise<{ app: FastifyInstance; url: string }> {
  const app = await buildHttpServer({ core });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}` };
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; json: unknown; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

export async function getJson(url: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url);
  return { status: res.status, json: await res.json() };
}

export function queryString(params: Params): string {
  return new URLSearchParams(Object.entries(params).map(([k, val]): [string, string] => [k, String(val)])).toString();
}
