import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, LedgerTransaction, Payout } from '../../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../../../test/support/core.js';
import { fundMerchant, issueDoc004Merchant, postJson, signPayout, startHttp, type Doc004Merchant } from '../../../test/support/doc004.js';

const core = await setupTestCore();
let http: Awaited<ReturnType<typeof startHttp>>;
let seq = 0;

beforeAll(async () => {
  http = await startHttp(core);
});
afterAll(async () => http.app.close());

function payout(shop: Doc004Merchant, overrides: Record<string, string | number> = {}) {
  return signPayout(
    {
      accountName: '李四',
      accountNumber: '6222020200112233445',
      amount: '100',
      appKey: shop.appKey,
      bankName: '中国工商银行',
      callbackUrl: 'http://127.0.0.1:9/payout-notify',
      mrn: `P${Date.now()}${seq++}`,
      ...overrides,
    },
    shop.appSecret,
  );
}

async function writes() {
  const em = core.em();
  return { payouts: await em.count(Payout, {}), postings: await em.count(LedgerTransaction, {}) };
}

describe(`POST /api/Payouts/Create on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('answers exactly {error:"success", errorMessage:""} and reserves the amount', async () => {
    const shop = await issueDoc004Merchant(core);
    await fundMerchant(core, shop.id, 50_000);
    const body = payout(shop, { amount: 120 });
    const res = await postJson(`${http.url}/api/Payouts/Create`, body);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"error":"success","errorMessage":""}');
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 38_000, reserved: 12_000 });
    const stored = await core.em().findOneOrFail(Payout, { mrn: String(body.mrn) });
    expect(stored).toMatchObject({ amount: 12_000, status: 'pending', accountName: '李四', bankName: '中国工商银行' });
  });

  describe('answers each documented error code in the dialect shape and writes nothing', () => {
    let shop: Doc004Merchant;
    beforeAll(async () => {
      shop = await issueDoc004Merchant(core);
      await fundMerchant(core, shop.id, 10_000);
      expect((await postJson(`${http.url}/api/Payouts/Create`, payout(shop, { mrn: 'taken', amount: 1 }))).json).toMatchObject({ error: 'success' });
    });

    const cases: Array<[string, () => unknown, string, RegExp]> = [
      ['invalid_data: a missing field', () => { const b = payout(shop); delete b.bankName; return b; }, 'invalid_data', /^bankName is required$/],
      ['invalid_data: a decimal amount', () => payout(shop, { amount: '100.00' }), 'invalid_data', /^amount must be a whole number of yuan$/],
      ['invalid_data: a zero amount', () => payout(shop, { amount: 0 }), 'invalid_data', /^amount must be more than 0$/],
      ['invalid_data: an oversize mrn', () => payout(shop, { mrn: 'y'.repeat(65) }), 'invalid_data', /^mrn must be at most 64 characters$/],
      ['invalid_data: a NUL in the appKey', () => signPayout({ ...payout(shop), appKey: 'ak\u0000x' }, 'x'), 'invalid_data', /^appKey must not contain the NUL character$/],
      ['invalid_data: a NUL in the bank name', () => payout(shop, { bankName: 'Bank\u0000' }), 'invalid_data', /^bankName must not contain the NUL character$/],
      ['invalid_data: a callbackUrl that is not http(s)', () => payout(shop, { callbackUrl: 'mailto:a@b.c' }), 'invalid_data', /^callbackUrl must be an absolute http\(s\) URL/],
      ['invalid_data: malformed JSON', () => '{', 'invalid_data', /^invalid request: /],
      ['sign_error: a bad sign', () => ({ ...payout(shop), sign: 'a'.repeat(32) }), 'sign_error', /^sign does not match$/],
      ['sign_error: a field changed after signing', () => ({ ...payout(shop), accountNumber: '6222000000000000000' }), 'sign_error', /^sign does not match$/],
      ['mrn_duplication: an mrn already used', () => payout(shop, { mrn: 'taken', amount: 1 }), 'mrn_duplication', /^mrn taken is already used by a payout$/],
      ['insufficient_balance: more than the balance', () => payout(shop, { amount: 100 }), 'insufficient_balance', /^insufficient merchant balance$/],
      ['object_not_found: an unknown appKey', () => signPayout({ ...payout(shop), appKey: 'ak_unknown' }, 'x'), 'object_not_found', /^unknown appKey$/],
    ];
    for (const [name, body, code, message] of cases) {
      it(name, async () => {
        const before = await writes();
        const res = await postJson(`${http.url}/api/Payouts/Create`, body());
        expect(res.status).toBe(200);
        const reply = res.json as { error: string; errorMessage: string };
        expect(Object.keys(reply)).toEqual(['error', 'errorMessage']);
        expect(reply.error).toBe(code);
        expect(reply.errorMessage).toMatch(message);
        expect(await writes()).toEqual(before);
        expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 9_900, reserved: 100 });
      });
    }
  });

  it('lets exactly 50 of 100 concurrent payouts through a balance that covers 50', async () => {
    const shop = await issueDoc004Merchant(core);
    await fundMerchant(core, shop.id, 50 * 10_000);
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => postJson(`${http.url}/api/Payouts/Create`, payout(shop, { amount: 100, mrn: `race-${i}` }))),
    );
    const codes = replies.map((r) => (r.json as { error: string }).error);
    expect(codes.filter((c) => c === 'success')).toHaveLength(50);
    expect(codes.filter((c) => c === 'insufficient_balance')).toHaveLength(50);
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 0, reserved: 500_000 });
    expect(await core.em().count(Payout, { merchant: shop.id })).toBe(50);
  });

  it('answers an unknown path under /api/Payouts in the dialect shape with 404', async () => {
    const res = await fetch(`${http.url}/api/Payouts/Delete`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', errorMessage: 'no such route' });
  });

  it('owes no callback at creation: the document only calls back on success', async () => {
    const shop = await issueDoc004Merchant(core);
    await fundMerchant(core, shop.id, 10_000);
    const body = payout(shop, { amount: 10 });
    await postJson(`${http.url}/api/Payouts/Create`, body);
    const created = await core.em().findOneOrFail(Payout, { mrn: String(body.mrn) });
    expect(await core.em().count(CallbackDelivery, { subjectType: 'payout', subjectId: created.publicId })).toBe(0);
  });
});
