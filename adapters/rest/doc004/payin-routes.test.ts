import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Merchant, MerchantStatus, PayInOrder } from '../../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../../../test/support/core.js';
import { issueDoc004Merchant, postJson, signPayIn, startHttp, type Doc004Merchant } from '../../../test/support/doc004.js';

const core = await setupTestCore();
let http: Awaited<ReturnType<typeof startHttp>>;
let shop: Doc004Merchant;
let seq = 0;

beforeAll(async () => {
  http = await startHttp(core);
  shop = await issueDoc004Merchant(core);
});
afterAll(async () => http.app.close());

function payIn(overrides: Record<string, string | number> = {}) {
  return signPayIn(
    {
      amount: '123.45',
      appKey: shop.appKey,
      callbackUrl: 'http://127.0.0.1:9/notify',
      channelId: 2,
      mrn: `M${Date.now()}${seq++}`,
      returnUrl: 'https://shop.example/return',
      ...overrides,
    },
    shop.appSecret,
  );
}

const orderCount = () => core.em().count(PayInOrder, {});

describe(`POST /api/Pay/Create on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('answers exactly {success, errorMsg, payUrl} with a path-only payUrl and stores the order in fen', async () => {
    const body = payIn();
    const res = await postJson(`${http.url}/api/Pay/Create`, body);
    expect(res.status).toBe(200);
    expect(Object.keys(res.json as object)).toEqual(['success', 'errorMsg', 'payUrl']);
    const reply = res.json as { success: boolean; errorMsg: string; payUrl: string };
    expect(reply.success).toBe(true);
    expect(reply.errorMsg).toBe('');
    expect(reply.payUrl).toMatch(/^\/api\/Pay\?id=pi_[A-Za-z0-9_-]{20}$/);
    const order = await core.em().findOneOrFail(PayInOrder, { mrn: String(body.mrn) });
    expect(order.originAmount).toBe(12345);
    expect(order.payableAmount).toBe(12345);
    expect(order.channelId).toBe(2);
    // Channel 2 has no plugin assigned: the sandbox serves it while it is on.
    expect(order.channelPlugin).toBe('sandbox');
    expect(order.status).toBe('pending');
    expect(order.expiresAt.getTime() - order.createdAt.getTime()).toBeGreaterThan(899_000);
  });

  it('signs the value as sent: a JSON number amount signs as its digits; payer is not signed', async () => {
    const body: Record<string, string | number> = { ...payIn({ amount: 100 }), payer: '张三' };
    const res = await postJson(`${http.url}/api/Pay/Create`, body);
    expect(res.json).toMatchObject({ success: true });
    const order = await core.em().findOneOrFail(PayInOrder, { mrn: String(body.mrn) });
    expect(order.originAmount).toBe(10000);
    expect(order.payer).toBe('张三');
  });

  it('answers the existing payUrl when a pending mrn is resubmitted with the same amount, and refuses another amount', async () => {
    const first = payIn({ mrn: 'resubmit-1' });
    const a = (await postJson(`${http.url}/api/Pay/Create`, first)).json as { payUrl: string };
    const b = (await postJson(`${http.url}/api/Pay/Create`, first)).json as { payUrl: string };
    expect(b.payUrl).toBe(a.payUrl);
    const before = await orderCount();
    const other = await postJson(`${http.url}/api/Pay/Create`, payIn({ mrn: 'resubmit-1', amount: '123.46' }));
    expect(other.json).toEqual({ success: false, errorMsg: 'mrn_duplication: mrn already used with a different amount', payUrl: '' });
    expect(await orderCount()).toBe(before);
  });

  it('keeps mrn unique per merchant only: another merchant may use the same mrn', async () => {
    const other = await issueDoc004Merchant(core);
    await postJson(`${http.url}/api/Pay/Create`, payIn({ mrn: 'shared-mrn' }));
    const res = await postJson(
      `${http.url}/api/Pay/Create`,
      signPayIn({ amount: '1.00', appKey: other.appKey, callbackUrl: 'http://127.0.0.1:9/n', channelId: 1, mrn: 'shared-mrn', returnUrl: 'https://x.example/' }, other.appSecret),
    );
    expect(res.json).toMatchObject({ success: true });
  });

  describe('refuses each class of bad input with success:false (HTTP 200) and writes nothing', () => {
    const cases: Array<[string, () => unknown, RegExp]> = [
      ['a missing field', () => { const b = payIn(); delete b.returnUrl; return b; }, /^invalid_data: returnUrl is required$/],
      ['a bad sign', () => ({ ...payIn(), sign: '0'.repeat(32) }), /^sign_error: /],
      ['a field changed after signing', () => ({ ...payIn(), amount: '999.00' }), /^sign_error: /],
      ['an amount with 3 decimals', () => payIn({ amount: '1.005' }), /^invalid_data: amount must be yuan with at most 2 decimals$/],
      ['a zero amount', () => payIn({ amount: '0.00' }), /^invalid_data: amount must be more than 0$/],
      ['a negative amount', () => payIn({ amount: '-1' }), /^invalid_data: /],
      ['an unknown appKey', () => signPayIn({ ...payIn(), appKey: 'ak_nobody' }, 'whatever'), /^object_not_found: unknown appKey$/],
      ['an oversize mrn (65 characters)', () => payIn({ mrn: 'x'.repeat(65) }), /^invalid_data: mrn must be at most 64 characters$/],
      // PostgreSQL refuses a NUL even as a lookup parameter: this was a 500 (internal_error).
      ['a NUL in the appKey', () => signPayIn({ ...payIn(), appKey: 'ak\u0000x' }, 'whatever'), /^invalid_data: appKey must not contain the NUL character$/],
      ['a NUL in the mrn', () => payIn({ mrn: 'm\u0000' }), /^invalid_data: mrn must not contain the NUL character$/],
      ['a non-integer channelId', () => payIn({ channelId: '1.5' }), /^invalid_data: channelId must be an integer$/],
      ['an unknown channelId', () => payIn({ channelId: 99 }), /^invalid_data: unknown or disabled channel 99$/],
      ['a callbackUrl that is not http(s)', () => payIn({ callbackUrl: 'ftp://x.example/' }), /^invalid_data: callbackUrl must be an absolute http\(s\) URL/],
      ['a javascript: returnUrl', () => payIn({ returnUrl: 'javascript:alert(1)' }), /^invalid_data: returnUrl must be an absolute http\(s\) URL/],
      ['an object where a value belongs', () => ({ ...payIn(), mrn: { a: 1 } }), /^invalid_data: mrn must be a string or a number$/],
      ['malformed JSON', () => '{"amount": ', /^invalid_data: /],
      ['a JSON array body', () => [payIn()], /^invalid_data: the request must be an object of parameters$/],
    ];
    for (const [name, body, errorMsg] of cases) {
      it(name, async () => {
        const before = await orderCount();
        const res = await postJson(`${http.url}/api/Pay/Create`, body());
        expect(res.status).toBe(200);
        const reply = res.json as { success: boolean; errorMsg: string; payUrl: string };
        expect(Object.keys(reply)).toEqual(['success', 'errorMsg', 'payUrl']);
        expect(reply.success).toBe(false);
        expect(reply.errorMsg).toMatch(errorMsg);
        expect(reply.payUrl).toBe('');
        expect(await orderCount()).toBe(before);
      });
    }
  });

  it('refuses a body that is neither JSON nor a form, and a disabled merchant, in the same envelope', async () => {
    const before = await orderCount();
    const text = await fetch(`${http.url}/api/Pay/Create`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'amount=1' });
    expect(text.status).toBe(200);
    expect(await text.json()).toMatchObject({ success: false, errorMsg: expect.stringMatching(/^invalid_data: /), payUrl: '' });
    const disabled = await issueDoc004Merchant(core);
    await core.em().nativeUpdate(Merchant, { id: disabled.id }, { status: MerchantStatus.Disabled });
    const body = signPayIn({ ...payIn(), appKey: disabled.appKey }, disabled.appSecret);
    expect((await postJson(`${http.url}/api/Pay/Create`, body)).json).toEqual({ success: false, errorMsg: 'object_not_found: unknown appKey', payUrl: '' });
    expect(await orderCount()).toBe(before);
  });

  it('answers an unknown path or method under /api/Pay in the same envelope with 404', async () => {
    const res = await fetch(`${http.url}/api/Pay/Nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ success: false, errorMsg: 'not_found: no such route', payUrl: '' });
    const wrongMethod = await fetch(`${http.url}/api/Pay/Create`);
    expect(wrongMethod.status).toBe(404);
    expect(await wrongMethod.json()).toMatchObject({ success: false });
  });
});

describe('POST /api/Pay (page mode, form)', () => {
  it('answers 303 to the cashier page, which shows the amount to pay', async () => {
    const body = payIn({ amount: '88.80' });
    const res = await fetch(`${http.url}/api/Pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/api\/Pay\?id=pi_/);
    const page = await fetch(`${http.url}${location}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<span id="amount-value">88.80</span>');
    expect(html).toContain('<svg');
  });

  it('answers a refusal with a small HTML page (400) and writes nothing', async () => {
    const before = await orderCount();
    const res = await fetch(`${http.url}/api/Pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(Object.entries({ ...payIn(), sign: 'f'.repeat(32) }).map(([k, v]): [string, string] => [k, String(v)])),
      redirect: 'manual',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('sign_error: sign does not match');
    expect(await orderCount()).toBe(before);
  });

  it('answers an unknown cashier id with a 404 page', async () => {
    const res = await fetch(`${http.url}/api/Pay?id=pi_nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Order not found');
  });
});
