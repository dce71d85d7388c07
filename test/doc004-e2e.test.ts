import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, CallbackStatus, Payout } from '../core/entities/index.js';
import { startCallbackReceiver, type CallbackReceiver } from './support/callback-receiver.js';
import { onPostgres, setupTestCore } from './support/core.js';
import {
  fundMerchant,
  getJson,
  issueDoc004Merchant,
  payInCallbackSign,
  payoutCallbackSign,
  postJson,
  queryString,
  signPayIn,
  signPayout,
  signQuery,
  startHttp,
  type Doc004Merchant,
} from './support/doc004.js';
import { waitFor } from './support/processes.js';
import { startQueuePipeline, type QueuePipeline } from './support/queue-pipeline.js';

/**
 * Document 004 end to end with every real part: the HTTP server, the sandbox channel's
 * payer side over HTTP, the outbox relay into Redis, the registered queue workers
 * (WorkerRuntime with the registry's definitions) and a merchant's HTTP receiver.
 */
const core = await setupTestCore({ CALLBACK_ALLOW_LOOPBACK: 'true', CALLBACK_RETRY_SCALE: '0.001', OUTBOX_POLL_MS: '50' });
let pipeline: QueuePipeline;
let http: Awaited<ReturnType<typeof startHttp>>;
let merchantSite: CallbackReceiver;
let shop: Doc004Merchant;

beforeAll(async () => {
  pipeline = startQueuePipeline(core, 'doc004-e2e');
  http = await startHttp(core);
  merchantSite = await startCallbackReceiver(() => ({ status: 200, body: 'success' }));
  shop = await issueDoc004Merchant(core, 100);
});
afterAll(async () => {
  await http.app.close();
  await merchantSite.close();
  await pipeline.close();
});

function callbackFields(index: number): Record<string, string> {
  const request = merchantSite.requests[index]!;
  expect(request.method).toBe('POST');
  expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  return Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
}

async function delivered(subjectId: string): Promise<boolean> {
  return waitFor(async () => (await core.em().findOne(CallbackDelivery, { subjectId }))?.status === CallbackStatus.Delivered, 5000, 25);
}

describe(`document 004 end to end on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('create pay-in → cashier page → sandbox payer pays → merchant receives a validly signed callback', async () => {
    const created = await postJson(
      `${http.url}/api/Pay/Create`,
      signPayIn(
        { amount: '66.60', appKey: shop.appKey, callbackUrl: `${merchantSite.url}/pay-notify`, channelId: 2, mrn: 'E2E-001', returnUrl: 'https://shop.example/done' },
        shop.appSecret,
      ),
    );
    const { payUrl } = created.json as { payUrl: string };
    expect(created.json).toMatchObject({ success: true, errorMsg: '' });

    // The payer's side, as a browser does it: open the page, take its "Simulate payment" target, post to it.
    const page = await (await fetch(`${http.url}${payUrl}`)).text();
    const config = JSON.parse(/<script type="application\/json" id="cashier-config">(.*?)<\/script>/s.exec(page)![1]!) as { simulatePaymentPath: string };
    const paid = await fetch(`${http.url}${config.simulatePaymentPath}`, { method: 'POST' });
    expect(await paid.text()).toBe('success');

    await merchantSite.waitForRequests(1, 5000);
    expect(merchantSite.requests[0]!.path).toBe('/pay-notify');
    const fields = callbackFields(0);
    expect(Object.keys(fields)).toEqual(['amount', 'appKey', 'channel', 'mrn', 'originAmount', 'sign']);
    expect(fields).toMatchObject({ amount: '66.60', appKey: shop.appKey, channel: '2', mrn: 'E2E-001', originAmount: '66.60' });
    expect(fields.sign).toBe(payInCallbackSign(fields, shop.appSecret));

    const publicId = new URL(payUrl, 'http://x').searchParams.get('id')!;
    expect(await delivered(publicId)).toBe(true);
    const status = await getJson(`${http.url}/api/Payments/Query?${queryString(signQuery({ appKey: shop.appKey, mrn: 'E2E-001' }, shop.appSecret))}`);
    expect(status.json).toEqual({ error: 'success', result: { Mrn: 'E2E-001', status: 1 } });
    // 1% fee on 66.60: 0.66 to the platform, 65.94 to the merchant.
    expect(await core.ledger.merchantBalances(core.em(), shop.id)).toEqual({ available: 6_594, reserved: 0 });
  });

  it('payout: create (reserve) → payout channel completes → merchant receives a validly signed payout callback', async () => {
    await fundMerchant(core, shop.id, 10_000);
    const reply = await postJson(
      `${http.url}/api/Payouts/Create`,
      signPayout(
        { accountName: '赵六', accountNumber: '6222000011112222', amount: 150, appKey: shop.appKey, bankName: '建设银行', callbackUrl: `${merchantSite.url}/payout-notify`, mrn: 'E2E-PO-1' },
        shop.appSecret,
      ),
    );
    expect(reply.json).toEqual({ error: 'success', errorMessage: '' });
    const payout = await core.em().findOneOrFail(Payout, { mrn: 'E2E-PO-1' });
    await core.payouts.complete(core.em(), { publicId: payout.publicId }, 'cli');

    await merchantSite.waitForRequests(2, 5000);
    expect(merchantSite.requests[1]!.path).toBe('/payout-notify');
    const fields = callbackFields(1);
    expect(fields).toEqual({ amount: '150', appKey: shop.appKey, mrn: 'E2E-PO-1', sign: payoutCallbackSign(fields, shop.appSecret) });
    expect(await delivered(payout.publicId)).toBe(true);
  });
});
