import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Channel, MonitorNotification, PaymentReport, PayInOrder, PayInStatus, ReportReplay } from '../../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../../../test/support/core.js';
import { getQuery, issueMonitorMerchant, nowSeconds, onlineAccount, postForm, postJson, signed, type MonitorMerchant, type Reply } from '../../../test/support/doc000.js';
import { startHttp } from '../../../test/support/doc004.js';

/**
 * `/api/report/{pid}`: forwarded notifications, in the document's shape and in the stock
 * SmsForwarder app's webhook shapes (JSON template, default form, GET), parsed and matched.
 */
const core = await setupTestCore();
let http: Awaited<ReturnType<typeof startHttp>>;
let shop: MonitorMerchant;

beforeAll(async () => {
  await core.em().nativeUpdate(Channel, { id: { $in: [1, 2, 3] } }, { plugin: 'monitor' });
  http = await startHttp(core);
  shop = await issueMonitorMerchant(core);
  await onlineAccount(core, shop.id, { payType: 'alipay', channelCode: 'ali_qr', clientName: 'phone-ali' });
  await onlineAccount(core, shop.id, { payType: 'wxpay', channelCode: 'wx_qr', clientName: 'phone-wx' });
  await onlineAccount(core, shop.id, { payType: 'bank', channelCode: 'icbc', accountName: '6222020200001234', clientName: 'phone-bank' });
});
afterAll(async () => {
  await http.app.close();
});

const url = () => `${http.url}/api/report/${shop.pid}`;

/** SmsForwarder's sign, per its documentation: base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), URL-encoded. */
function smsForwarderSign(timestampMs: number, secret: string): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64'));
}

async function openOrder(channelId: number, amount: number): Promise<PayInOrder> {
  const { order } = await core.payins.create(core.em(), {
    merchantId: shop.id,
    mrn: randomUUID(),
    channelId,
    amount,
    callbackUrl: 'https://shop.example/notify',
    returnUrl: 'https://shop.example/done',
    baseUrl: 'https://pay.example',
  });
  return order;
}

async function expectPaid(order: PayInOrder, reply: Reply): Promise<void> {
  expect(reply.json).toMatchObject({ code: 200, message: '操作成功', data: { status: 'matched', order_id: order.publicId } });
  expect((await core.em().findOneOrFail(PayInOrder, { id: order.id })).status).toBe(PayInStatus.Paid);
}

describe(`forwarded notifications on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  it('document shape: an Alipay notification pays the order with that amount', async () => {
    const order = await openOrder(2, 1234);
    const content = JSON.stringify({
      from: 'com.eg.android.AlipayGphone',
      package_name: 'com.eg.android.AlipayGphone',
      app_name: '支付宝',
      title: '支付宝通知',
      msg: `你已成功收款${(order.payableAmount / 100).toFixed(2)}元`,
      receive_time: '2024-01-01 12:00:00',
      device_name: '收款手机',
    });
    const reply = await postJson(url(), signed({ from: 'app', content, timestamp: String(nowSeconds()) }, shop.key));
    await expectPaid(order, reply);
    const data = reply.json.data as { notification_id: number; parser: string; report_id: number };
    expect(data.parser).toBe('alipay');
    const stored = await core.em().findOneOrFail(MonitorNotification, { id: data.notification_id }, { populate: ['paymentReport'] });
    expect(stored).toMatchObject({ format: 'document', parser: 'alipay', content });
    expect(stored.paymentReport?.id).toBe(data.report_id);
  });

  it('SmsForwarder JSON template with its HMAC sign: a WeChat notification pays the order', async () => {
    const order = await openOrder(1, 990);
    const timestamp = Date.now();
    // What the app sends with the template in docs/protocols.md ([from] is the package name for app notifications).
    const body = {
      from: 'com.tencent.mm',
      content: `微信支付收款${(order.payableAmount / 100).toFixed(2)}元(朋友到店)`,
      title: '微信支付',
      receive_time: '2024-01-01 12:00:01',
      device_mark: '收款手机',
      timestamp: String(timestamp),
      sign: smsForwarderSign(timestamp, shop.key),
    };
    const reply = await postJson(url(), body);
    await expectPaid(order, reply);
    expect((reply.json.data as { parser: string }).parser).toBe('wechat');
    const stored = await core.em().findOneOrFail(MonitorNotification, { id: (reply.json.data as { notification_id: number }).notification_id });
    expect(stored).toMatchObject({ format: 'smsforwarder', sender: 'com.tencent.mm', packageName: 'com.tencent.mm', title: '微信支付', deviceName: '收款手机' });
  });

  it('SmsForwarder default form (no template): an ICBC SMS pays the order on the card with that tail', async () => {
    const order = await openOrder(3, 50_000);
    const timestamp = Date.now();
    // The app's default content template: from, text, SIM info, receive time, device.
    const content = `95588\n您尾号1234卡11月22日10:15支付宝转入(张三支付宝转账)${(order.payableAmount / 100).toFixed(2)}元,余额8,000.00元。【工商银行】\nSIM1_中国移动\n2024-11-22 10:15:03\n收款手机`;
    const reply = await postForm(url(), { from: '95588', content, timestamp, sign: smsForwarderSign(timestamp, shop.key) });
    await expectPaid(order, reply);
    expect((reply.json.data as { parser: string }).parser).toBe('icbc-sms');
  });

  it('SmsForwarder GET mode: the sign arrives decoded (raw base64); an unparsed notification is stored', async () => {
    const timestamp = Date.now();
    const reply = await getQuery(url(), {
      from: 'com.android.settings',
      content: `电量低 ${randomUUID()}`,
      timestamp,
      sign: decodeURIComponent(smsForwarderSign(timestamp, shop.key)),
    });
    expect(reply.json).toMatchObject({ code: 200, data: { status: 'stored', parser: null, report_id: null } });
  });

  it('a recognised payment that matches no order is kept unmatched', async () => {
    const content = JSON.stringify({ package_name: 'com.eg.android.AlipayGphone', msg: '你已成功收款777.77元', receive_time: String(Math.random()) });
    const reply = await postJson(url(), signed({ from: 'app', content, timestamp: String(nowSeconds()) }, shop.key));
    expect(reply.json).toMatchObject({ code: 200, data: { status: 'unmatched', parser: 'alipay', order_id: null } });
    const report = await core.em().findOneOrFail(PaymentReport, { id: (reply.json.data as { report_id: number }).report_id });
    expect(report).toMatchObject({ amount: 77_777, reason: 'no_pending_order', source: 'notification' });
  });

  it('refuses a bad HMAC sign (401), a replayed one (409), and the HMAC rule on /pc (401), writing nothing', async () => {
    const counts = async () => [await core.em().count(MonitorNotification, {}), await core.em().count(ReportReplay, {}), await core.em().count(PaymentReport, {})];
    const timestamp = Date.now();
    const body = { from: 'com.tencent.mm', content: `微信支付收款1.00元 ${randomUUID()}`, timestamp: String(timestamp), sign: smsForwarderSign(timestamp, shop.key) };

    let before = await counts();
    const forged = await postJson(url(), { ...body, sign: smsForwarderSign(timestamp, 'not-the-key') });
    expect(forged.json).toEqual({ code: 401, message: '签名错误', data: null });
    const shifted = await postJson(url(), { ...body, timestamp: String(timestamp + 1) });
    expect(shifted.json.code).toBe(401);
    expect(await counts()).toEqual(before);

    expect((await postJson(url(), body)).json.code).toBe(200);
    before = await counts();
    const replay = await postJson(url(), { ...body, content: '微信支付收款999.00元' });
    expect(replay.json.code).toBe(409);
    expect(await counts()).toEqual(before);

    const pc = await postJson(`${url()}/pc`, { amount: 100, pay_type: 'wxpay', channel_code: 'wx_qr', timestamp: String(Date.now()), sign: smsForwarderSign(Date.now(), shop.key) });
    expect(pc.json.code).toBe(401);
    expect(await counts()).toEqual(before);
  });
});
