import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayInOrder } from '../../core/entities/index.js';
import { setupTestCore } from '../../test/support/core.js';
import { issueDoc004Merchant, postJson, signPayIn, startHttp } from '../../test/support/doc004.js';
import { sandboxPayPath } from './sandbox/transformers.js';

const sandboxOn = await setupTestCore();
const sandboxOff = await setupTestCore({ SANDBOX_CHANNEL: 'false' });
let on: Awaited<ReturnType<typeof startHttp>>;
let off: Awaited<ReturnType<typeof startHttp>>;

beforeAll(async () => {
  on = await startHttp(sandboxOn);
  off = await startHttp(sandboxOff);
});
afterAll(async () => {
  await on.app.close();
  await off.app.close();
});

async function createOrder(url: string, core: typeof sandboxOn) {
  const shop = await issueDoc004Merchant(core);
  const body = signPayIn(
    { amount: '5.00', appKey: shop.appKey, callbackUrl: 'http://127.0.0.1:9/cb', channelId: 3, mrn: `n-${Math.random()}`, returnUrl: 'https://r.example/' },
    shop.appSecret,
  );
  return (await postJson(`${url}/api/Pay/Create`, body)).json as { success: boolean; errorMsg: string };
}

describe('channel notifications over HTTP', () => {
  it('refuses a forged sandbox payment with 400 and leaves the order pending', async () => {
    expect(await createOrder(on.url, sandboxOn)).toMatchObject({ success: true });
    const order = await sandboxOn.em().findOneOrFail(PayInOrder, { channelId: 3 });
    const forged = sandboxPayPath(Buffer.alloc(32), order.publicId, order.payableAmount);
    const res = await fetch(`${on.url}${forged}`, { method: 'POST' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('fail: sandbox rejected the notification: bad signature');
    expect((await sandboxOn.em().findOneOrFail(PayInOrder, { id: order.id })).status).toBe('pending');
  });

  it('answers 409 for a genuine payment of an order that can no longer be paid', async () => {
    const order = await sandboxOn.em().findOneOrFail(PayInOrder, { channelId: 3 });
    await sandboxOn.em().nativeUpdate(PayInOrder, { id: order.id }, { expiresAt: new Date(Date.now() - 1000) });
    const path = (order.payAction as { simulatePaymentPath: string }).simulatePaymentPath;
    const res = await fetch(`${on.url}${path}`, { method: 'POST' });
    expect(res.status).toBe(409);
    expect((await sandboxOn.em().findOneOrFail(PayInOrder, { id: order.id })).status).toBe('pending');
  });

  it('has no sandbox with SANDBOX_CHANNEL off: unassigned channels are refused and its endpoint is 404', async () => {
    const reply = await createOrder(off.url, sandboxOff);
    expect(reply).toEqual({ success: false, errorMsg: 'channel_unavailable: channel 3 has no payment channel available', payUrl: '' });
    expect(await sandboxOff.em().count(PayInOrder, {})).toBe(0);
    const res = await fetch(`${off.url}/channels/sandbox/notify?order=x&amount=1&sig=y`, { method: 'POST' });
    expect(res.status).toBe(404);
  });
});
