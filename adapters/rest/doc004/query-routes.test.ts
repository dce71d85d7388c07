import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, CallbackStatus, PayInOrder, Payout } from '../../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../../../test/support/core.js';
import {
  fundMerchant,
  getJson,
  issueDoc004Merchant,
  postJson,
  queryString,
  signPayIn,
  signPayout,
  signQuery,
  startHttp,
  type Doc004Merchant,
} from '../../../test/support/doc004.js';

const core = await setupTestCore();
let http: Awaited<ReturnType<typeof startHttp>>;
let shop: Doc004Merchant;

beforeAll(async () => {
  http = await startHttp(core);
  shop = await issueDoc004Merchant(core);
  await fundMerchant(core, shop.id, 100_000);
});
afterAll(async () => http.app.close());

async function createPayIn(mrn: string): Promise<PayInOrder> {
  const body = signPayIn(
    { amount: '10.00', appKey: shop.appKey, callbackUrl: 'http://127.0.0.1:9/cb', channelId: 1, mrn, returnUrl: 'https://shop.example/r' },
    shop.appSecret,
  );
  expect((await postJson(`${http.url}/api/Pay/Create`, body)).json).toMatchObject({ success: true });
  return core.em().findOneOrFail(PayInOrder, { mrn });
}

/** The sandbox payer side, over HTTP, exactly as the cashier's button calls it. */
async function payThroughSandbox(order: PayInOrder): Promise<Response> {
  const path = (order.payAction as { simulatePaymentPath: string }).simulatePaymentPath;
  return fetch(`${http.url}${path}`, { method: 'POST' });
}

const query = (route: string, params: Record<string, string>) => getJson(`${http.url}${route}?${queryString(params)}`);
const signed = (mrn: string, extra: Record<string, string> = {}) => ({ ...signQuery({ appKey: shop.appKey, mrn }, shop.appSecret), ...extra }) as Record<string, string>;
const deliveries = (type: string, id: string) => core.em().count(CallbackDelivery, { subjectType: type, subjectId: id });

describe(`GET /api/Payments/Query on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('answers {error:"success", result:{Mrn, status:0}} for a pending order, then 1 once paid', async () => {
    const order = await createPayIn('q-1');
    const pending = await query('/api/Payments/Query', signed('q-1'));
    expect(pending.status).toBe(200);
    expect(pending.json).toEqual({ error: 'success', result: { Mrn: 'q-1', status: 0 } });
    const paid = await payThroughSandbox(order);
    expect(paid.status).toBe(200);
    expect(await paid.text()).toBe('success');
    expect((await query('/api/Payments/Query', signed('q-1'))).json).toEqual({ error: 'success', result: { Mrn: 'q-1', status: 1 } });
  });

  it('with callback=true on a paid order owes the callback again, but not while one is still being delivered', async () => {
    const order = await createPayIn('q-2');
    await payThroughSandbox(order);
    expect(await deliveries('payin', order.publicId)).toBe(1);
    // The first delivery is still pending: asking again does not pile up a second one.
    await query('/api/Payments/Query', signed('q-2', { callback: 'true' }));
    expect(await deliveries('payin', order.publicId)).toBe(1);
    await core.em().nativeUpdate(CallbackDelivery, { subjectId: order.publicId }, { status: CallbackStatus.Delivered });
    const again = await query('/api/Payments/Query', signed('q-2', { callback: 'True' }));
    expect(again.json).toEqual({ error: 'success', result: { Mrn: 'q-2', status: 1 } });
    expect(await deliveries('payin', order.publicId)).toBe(2);
    const [first, second] = await core.em().find(CallbackDelivery, { subjectId: order.publicId }, { orderBy: { createdAt: 'asc' } });
    expect(second!.body).toBe(first!.body);
  });

  it('with callback=true on a pending order only answers the status', async () => {
    const order = await createPayIn('q-3');
    expect((await query('/api/Payments/Query', signed('q-3', { callback: 'true' }))).json).toEqual({ error: 'success', result: { Mrn: 'q-3', status: 0 } });
    expect(await deliveries('payin', order.publicId)).toBe(0);
  });

  it('reads an expired order as 0 while a late report may still pay it, then 2', async () => {
    const order = await createPayIn('q-4');
    const graceMs = core.config.REPORT_EXPIRED_GRACE_SECONDS * 1000;
    await core.em().nativeUpdate(PayInOrder, { id: order.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect((await query('/api/Payments/Query', signed('q-4'))).json).toMatchObject({ result: { status: 0 } });
    await core.em().nativeUpdate(PayInOrder, { id: order.id }, { expiresAt: new Date(Date.now() - graceMs - 1000) });
    expect((await query('/api/Payments/Query', signed('q-4'))).json).toMatchObject({ result: { status: 2 } });
  });

  const refusals: Array<[string, () => Record<string, string>, string]> = [
    ['a missing mrn', () => ({ appKey: shop.appKey, sign: 'a'.repeat(32) }), 'invalid_data'],
    ['a callback that is not true/false', () => signed('q-1', { callback: 'yes' }), 'invalid_data'],
    ['a bad sign', () => ({ ...signed('q-1'), sign: 'b'.repeat(32) }), 'sign_error'],
    ['an unknown appKey', () => signQuery({ appKey: 'ak_none', mrn: 'q-1' }, 'k') as Record<string, string>, 'object_not_found'],
    ['an unknown mrn', () => signed('never-created'), 'object_not_found'],
    ['an oversize mrn', () => signed('z'.repeat(65)), 'invalid_data'],
    // PostgreSQL refuses a NUL even as a lookup parameter: these were a 500 (internal_error).
    ['a NUL in the mrn', () => signed('q\u00001'), 'invalid_data'],
    ['a NUL in the appKey', () => signQuery({ appKey: 'ak\u0000x', mrn: 'q-1' }, 'k') as Record<string, string>, 'invalid_data'],
  ];
  for (const [name, params, code] of refusals) {
    it(`refuses ${name} with {error:"${code}", errorMessage}`, async () => {
      const res = await query('/api/Payments/Query', params());
      expect(res.status).toBe(200);
      expect(Object.keys(res.json as object)).toEqual(['error', 'errorMessage']);
      expect((res.json as { error: string }).error).toBe(code);
    });
  }

  it('refuses a repeated query key as invalid data', async () => {
    const res = await getJson(`${http.url}/api/Payments/Query?${queryString(signed('q-1'))}&mrn=q-2`);
    expect(res.json).toMatchObject({ error: 'invalid_data' });
  });
});

describe('GET /api/Payouts/Query', () => {
  async function createPayout(mrn: string): Promise<Payout> {
    const body = signPayout(
      { accountName: 'A', accountNumber: '1', amount: 5, appKey: shop.appKey, bankName: 'B', callbackUrl: 'http://127.0.0.1:9/po', mrn },
      shop.appSecret,
    );
    expect((await postJson(`${http.url}/api/Payouts/Create`, body)).json).toEqual({ error: 'success', errorMessage: '' });
    return core.em().findOneOrFail(Payout, { mrn });
  }

  it('answers 0 pending, 1 completed, 2 failed, and resends the callback of a completed payout on callback=true', async () => {
    const done = await createPayout('po-1');
    expect((await query('/api/Payouts/Query', signed('po-1'))).json).toEqual({ error: 'success', result: { Mrn: 'po-1', status: 0 } });
    await core.payouts.complete(core.em(), { publicId: done.publicId }, 'cli');
    expect((await query('/api/Payouts/Query', signed('po-1'))).json).toEqual({ error: 'success', result: { Mrn: 'po-1', status: 1 } });
    expect(await deliveries('payout', done.publicId)).toBe(1);
    await core.em().nativeUpdate(CallbackDelivery, { subjectId: done.publicId }, { status: CallbackStatus.GivenUp });
    await query('/api/Payouts/Query', signed('po-1', { callback: 'true' }));
    expect(await deliveries('payout', done.publicId)).toBe(2);

    const failed = await createPayout('po-2');
    await core.payouts.fail(core.em(), { publicId: failed.publicId }, 'account closed', 'cli');
    expect((await query('/api/Payouts/Query', signed('po-2', { callback: 'true' }))).json).toEqual({ error: 'success', result: { Mrn: 'po-2', status: 2 } });
    expect(await deliveries('payout', failed.publicId)).toBe(0);
  });

  it('refuses an unknown mrn and a bad sign in the dialect shape', async () => {
    expect((await query('/api/Payouts/Query', signed('po-none'))).json).toEqual({ error: 'object_not_found', errorMessage: 'no payout with this mrn' });
    expect((await query('/api/Payouts/Query', { ...signed('po-1'), sign: 'c'.repeat(32) })).json).toEqual({ error: 'sign_error', errorMessage: 'sign does not match' });
  });
});
