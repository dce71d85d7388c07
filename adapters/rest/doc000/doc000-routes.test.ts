import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CollectionAccount,
  MerchantStatus,
  MonitorClient,
  MonitorNotification,
  PaymentReport,
  PaymentReportStatus,
  ReportReplay,
  ThirdPartyAccount,
} from '../../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../../../test/support/core.js';
import {
  accountWithId,
  getQuery,
  issueMonitorMerchant,
  nowSeconds,
  postForm,
  postJson,
  signed,
  type MonitorMerchant,
  type Params,
  type Reply,
} from '../../../test/support/doc000.js';
import { startHttp } from '../../../test/support/doc004.js';

/**
 * Document 000 over real HTTP: every route and method with the document's own examples
 * (fresh timestamps, real signatures), the exact envelope, and one test per class of bad
 * input, each proving that nothing was written.
 */
const core = await setupTestCore();
let http: Awaited<ReturnType<typeof startHttp>>;
let shop: MonitorMerchant;
let agentKey: string;

beforeAll(async () => {
  http = await startHttp(core);
  shop = await issueMonitorMerchant(core);
  // The examples name collection account 1 (heartbeat `channel_id`) and 789 (`channel_account_id`).
  await accountWithId(core, shop.id, 1);
  await accountWithId(core, shop.id, 789);
  agentKey = (await core.thirdPartyAccounts.create(core.em(), { merchantId: shop.id, account: 'A001', type: 1 })).key;
});
afterAll(async () => {
  await http.app.close();
});

const url = (path: string) => `${http.url}/api/report${path}`;

/** The document's examples, with a fresh timestamp of the type each example uses. */
const examples = {
  notification: (): Params => ({
    from: 'sms',
    content: JSON.stringify({
      from: '1069000000',
      package_name: 'com.example.app',
      app_name: '示例APP',
      title: '通知标题',
      msg: `通知内容 ${Math.random()}`,
      receive_time: '2024-01-01 12:00:00',
      device_name: '设备A',
    }),
    timestamp: String(nowSeconds()),
  }),
  pc: (): Params => ({
    amount: 100,
    pay_type: 'alipay',
    channel_code: 'ali_qr',
    remark: '测试订单',
    pay_time: '2024-01-01 12:00:00',
    coll_user: '收款账号A',
    pay_user: '付款账号B',
    uid: 'user001',
    order_id: `order${Math.random().toString(36).slice(2, 10)}`,
    out_order_id: 'outorder456',
    channel_account_id: 789,
    timestamp: String(nowSeconds()),
  }),
  heart: (): Params => ({ client_name: '客户端A', channel_id: 1, ext_data: '{"key":"value"}', timestamp: nowSeconds() }),
  third: (): Params => ({
    account: 'A001',
    type: 1,
    sub_account: 'B001',
    amount: 100,
    pay_type: 'alipay',
    channel_code: 'ali_qr',
    remark: '第三方订单',
    out_order_id: `out${Math.random().toString(36).slice(2, 10)}`,
    order_id: 'order456',
    timestamp: nowSeconds(),
  }),
  thirdHeart: (): Params => ({ account: 'A001', type: 1, timestamp: nowSeconds() }),
};

/** Row counts and monitor state: what "nothing written" is checked against. */
async function snapshot(): Promise<Record<string, unknown>> {
  const em = core.em();
  const client = await em.findOne(MonitorClient, { merchant: shop.id, clientName: '客户端A' });
  const agent = await em.findOne(ThirdPartyAccount, { account: 'A001', type: 1 });
  return {
    reports: await em.count(PaymentReport, {}),
    notifications: await em.count(MonitorNotification, {}),
    replays: await em.count(ReportReplay, {}),
    clients: await em.count(MonitorClient, {}),
    clientHeartbeat: client?.lastHeartbeatAt?.getTime() ?? null,
    accountsBound: await em.count(CollectionAccount, { monitorClient: { $ne: null } }),
    agentHeartbeat: agent?.lastHeartbeatAt?.getTime() ?? null,
  };
}

function expectEnvelope(reply: Reply, code: number): void {
  expect(Object.keys(reply.json)).toEqual(['code', 'message', 'data']);
  expect(reply.json.code).toBe(code);
  expect(reply.status).toBe(code);
  expect(typeof reply.json.message).toBe('string');
  if (code !== 200) expect(reply.json.data).toBeNull();
}

async function refusedWithoutWrites(send: () => Promise<Reply>, code: number, message?: RegExp): Promise<Reply> {
  const before = await snapshot();
  const reply = await send();
  expectEnvelope(reply, code);
  if (message) expect(reply.json.message).toMatch(message);
  expect(await snapshot()).toEqual(before);
  return reply;
}

describe(`document 000 routes on ${onPostgres ? 'PostgreSQL' : 'SQLite'}`, () => {
  describe('the documented examples, every route and method', () => {
    it('POST /api/report/{pid} (JSON and form) stores the notification', async () => {
      for (const send of [postJson, postForm]) {
        const reply = await send(url(`/${shop.pid}`), signed(examples.notification(), shop.key));
        expectEnvelope(reply, 200);
        expect(reply.json.message).toBe('操作成功');
        const data = reply.json.data as { notification_id: number; status: string; parser: string | null };
        expect(data).toMatchObject({ status: 'stored', parser: null, report_id: null, order_id: null });
        const stored = await core.em().findOneOrFail(MonitorNotification, { id: data.notification_id });
        expect(stored).toMatchObject({ source: 'sms', format: 'document', sender: '1069000000', packageName: 'com.example.app', title: '通知标题', deviceName: '设备A' });
      }
    });

    it('GET and POST /api/report/{pid}/pc report a payment; JSON numbers sign as their digits', async () => {
      const sends = [
        () => postJson(url(`/${shop.pid}/pc`), signed(examples.pc(), shop.key)),
        () => postForm(url(`/${shop.pid}/pc`), signed(examples.pc(), shop.key)),
        () => getQuery(url(`/${shop.pid}/pc`), signed({ amount: 100, pay_type: 'alipay', channel_code: 'ali_qr', pay_time: String(Math.random()), timestamp: String(nowSeconds()) }, shop.key)),
      ];
      for (const send of sends) {
        const reply = await send();
        expectEnvelope(reply, 200);
        expect(reply.json.message).toBe('操作成功');
        const data = reply.json.data as { report_id: number; status: string };
        expect(data.status).toBe('unmatched');
        const report = await core.em().findOneOrFail(PaymentReport, { id: data.report_id });
        expect(report).toMatchObject({ amount: 100, payType: 'alipay', channelCode: 'ali_qr', status: PaymentReportStatus.Unmatched });
      }
      // The JSON example's out_order_id names no paymesh order: kept for review with that reason.
      const first = await core.em().find(PaymentReport, { merchant: shop.id }, { orderBy: { id: 'asc' }, limit: 1 });
      expect(first[0]).toMatchObject({ orderRef: 'outorder456', collectionAccountId: 789, reason: 'unknown_order' });
    });

    it('GET and POST /api/report/{pid}/heart mark the client and its accounts online', async () => {
      const post = await postJson(url(`/${shop.pid}/heart`), signed(examples.heart(), shop.key));
      expectEnvelope(post, 200);
      expect(post.json).toEqual({ code: 200, message: '操作成功', data: null });
      const client = await core.em().findOneOrFail(MonitorClient, { merchant: shop.id, clientName: '客户端A' });
      expect(client).toMatchObject({ online: true, extData: '{"key":"value"}' });
      const account = await core.em().findOneOrFail(CollectionAccount, { id: 1 });
      expect(account.online).toBe(true);
      expect(account.monitorClient?.id).toBe(client.id);

      // The GET example carries only client_name (UTF-8, URL-encoded) and timestamp.
      const get = await getQuery(url(`/${shop.pid}/heart`), signed({ client_name: '客户端A', timestamp: nowSeconds() + 1 }, shop.key));
      expect(get.json).toEqual({ code: 200, message: '操作成功', data: null });
      const form = await postForm(url(`/${shop.pid}/heart`), signed({ client_name: '客户端B', timestamp: nowSeconds() }, shop.key));
      expectEnvelope(form, 200);
    });

    it('GET and POST /api/report/third-account report for the merchant the account belongs to', async () => {
      for (const send of [postJson, postForm]) {
        const reply = await send(url('/third-account'), signed(examples.third(), agentKey));
        expectEnvelope(reply, 200);
        const data = reply.json.data as { report_id: number; status: string; reason: string };
        // order_id is the platform order here (the document swaps the names): order456 names none.
        expect(data).toMatchObject({ status: 'unmatched', reason: 'unknown_order' });
        const report = await core.em().findOneOrFail(PaymentReport, { id: data.report_id }, { populate: ['thirdPartyAccount'] });
        expect(report.source).toBe('third_account');
        expect(report.merchant.id).toBe(shop.id);
        expect(report.orderRef).toBe('order456');
        expect(report.upstreamOrderId).toMatch(/^out/);
      }
      const get = await getQuery(
        url('/third-account'),
        signed({ account: 'A001', type: 1, sub_account: 'B001', amount: 100, pay_type: 'alipay', channel_code: 'ali_qr', remark: String(Math.random()), timestamp: nowSeconds() }, agentKey),
      );
      expectEnvelope(get, 200);
    });

    it('GET and POST /api/report/third-account/heart mark the account online', async () => {
      const post = await postJson(url('/third-account/heart'), signed(examples.thirdHeart(), agentKey));
      expect(post.json).toEqual({ code: 200, message: '操作成功', data: null });
      const agent = await core.em().findOneOrFail(ThirdPartyAccount, { account: 'A001', type: 1 });
      expect(agent.online).toBe(true);
      const get = await getQuery(url('/third-account/heart'), signed({ ...examples.thirdHeart(), timestamp: nowSeconds() + 1 }, agentKey));
      expect(get.json).toEqual({ code: 200, message: '操作成功', data: null });
    });

    it('accepts millisecond timestamps and uppercase hex signatures', async () => {
      const params = signed({ client_name: '客户端A', timestamp: Date.now() }, shop.key);
      const reply = await postJson(url(`/${shop.pid}/heart`), { ...params, sign: String(params.sign).toUpperCase() });
      expectEnvelope(reply, 200);
    });
  });

  describe('bad input: each class answers its code and writes nothing', () => {
    it('bad sign → 401 on every route', async () => {
      const cases: Array<[string, Params]> = [
        [`/${shop.pid}`, examples.notification()],
        [`/${shop.pid}/pc`, examples.pc()],
        [`/${shop.pid}/heart`, examples.heart()],
        ['/third-account', examples.third()],
        ['/third-account/heart', examples.thirdHeart()],
      ];
      for (const [path, params] of cases) {
        await refusedWithoutWrites(() => postJson(url(path), { ...params, sign: 'f'.repeat(32) }), 401, /签名错误/);
        // Signed with the wrong key (the merchant's key on a third-party route, and vice versa).
        const wrongKey = path.startsWith('/third') ? shop.key : agentKey;
        await refusedWithoutWrites(() => postJson(url(path), signed(params, wrongKey)), 401);
        // A field changed after signing.
        const tampered = { ...signed(params, path.startsWith('/third') ? agentKey : shop.key), timestamp: String(Number(params.timestamp) + 7) };
        await refusedWithoutWrites(() => postJson(url(path), tampered), 401);
      }
    });

    it('stale (or far-future) timestamp → 401', async () => {
      // Five seconds past the 600 s window either side (a whole-second timestamp plus request latency must not land inside it).
      for (const offset of [-605, 605]) {
        await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed({ ...examples.pc(), timestamp: String(nowSeconds(offset)) }, shop.key)), 401, /时间戳/);
        await refusedWithoutWrites(() => getQuery(url(`/${shop.pid}/heart`), signed({ ...examples.heart(), timestamp: nowSeconds(offset) }, shop.key)), 401);
        await refusedWithoutWrites(() => postJson(url('/third-account/heart'), signed({ ...examples.thirdHeart(), timestamp: nowSeconds(offset) }, agentKey)), 401);
      }
    });

    it('replayed request → 409 on every route', async () => {
      const cases: Array<[string, Params, string]> = [
        [`/${shop.pid}`, examples.notification(), shop.key],
        [`/${shop.pid}/pc`, examples.pc(), shop.key],
        [`/${shop.pid}/heart`, { ...examples.heart(), timestamp: nowSeconds(2) }, shop.key],
        ['/third-account', examples.third(), agentKey],
        ['/third-account/heart', { ...examples.thirdHeart(), timestamp: nowSeconds(2) }, agentKey],
      ];
      for (const [path, params, key] of cases) {
        const request = signed(params, key);
        expectEnvelope(await postJson(url(path), request), 200);
        await refusedWithoutWrites(() => postJson(url(path), request), 409, /重复/);
        // Replays are per signature, whatever the body encoding.
        await refusedWithoutWrites(() => postForm(url(path), request), 409);
      }
    });

    it('unknown pid or account → 404', async () => {
      await refusedWithoutWrites(() => postJson(url('/99999999/pc'), signed(examples.pc(), shop.key)), 404, /商户不存在/);
      // A disabled merchant's pid, with a sign its key makes: as unknown.
      const closed = await issueMonitorMerchant(core, 'Closed Shop');
      await core.merchants.update(core.em(), closed.id, { status: MerchantStatus.Disabled }, 'admin');
      await refusedWithoutWrites(() => postJson(url(`/${closed.pid}/pc`), signed(examples.pc(), closed.key)), 404, /商户不存在/);
      await refusedWithoutWrites(() => postJson(url('/not-a-pid/heart'), signed(examples.heart(), shop.key)), 404);
      await refusedWithoutWrites(() => postJson(url('/99999999'), signed(examples.notification(), shop.key)), 404);
      await refusedWithoutWrites(() => postJson(url('/third-account'), signed({ ...examples.third(), account: 'NOPE' }, agentKey)), 404, /账号不存在/);
      await refusedWithoutWrites(() => postJson(url('/third-account/heart'), signed({ ...examples.thirdHeart(), type: 2 }, agentKey)), 404);
      // A collection account that is not this merchant's.
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed({ ...examples.pc(), channel_account_id: 4242 }, shop.key)), 404);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/heart`), signed({ ...examples.heart(), channel_id: 4242 }, shop.key)), 404);
      // A path the document does not have, under the dialect's prefix.
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/nothing`), {}), 404);
      await refusedWithoutWrites(async () => {
        const res = await fetch(url(`/${shop.pid}/pc`), { method: 'PUT' });
        return { status: res.status, json: (await res.json()) as Reply['json'], text: '' };
      }, 404);
    });

    it('missing required field → 400 on every route', async () => {
      const cases: Array<[string, Params, string, string]> = [
        [`/${shop.pid}`, examples.notification(), 'content', shop.key],
        [`/${shop.pid}/pc`, examples.pc(), 'channel_code', shop.key],
        [`/${shop.pid}/pc`, examples.pc(), 'amount', shop.key],
        [`/${shop.pid}/heart`, examples.heart(), 'client_name', shop.key],
        ['/third-account', examples.third(), 'sub_account', agentKey],
        ['/third-account/heart', examples.thirdHeart(), 'type', agentKey],
        [`/${shop.pid}/pc`, examples.pc(), 'timestamp', shop.key],
      ];
      for (const [path, params, field, key] of cases) {
        const { [field]: _dropped, ...rest } = params;
        const reply = await refusedWithoutWrites(() => postJson(url(path), signed(rest, key)), 400);
        expect(reply.json.message).toBe(`参数错误: ${field} is required`);
      }
      const { sign: _sign, ...unsigned } = signed(examples.pc(), shop.key);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), unsigned), 400, /sign/);
      // A document-shape notification whose content has no msg (nor title).
      const noMsg = { from: 'sms', content: JSON.stringify({ from: '95588', package_name: 'x.y' }), timestamp: String(nowSeconds()) };
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}`), signed(noMsg, shop.key)), 400, /content.msg/);
    });

    it('non-integer, zero or negative amount → 400 (never rounded)', async () => {
      for (const amount of [100.5, '100.5', '1e2', 'abc', -1, 0, '１００', '99999999999999999']) {
        await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed({ ...examples.pc(), amount }, shop.key)), 400, /amount/);
      }
      await refusedWithoutWrites(() => postJson(url('/third-account'), signed({ ...examples.third(), amount: 1.5 }, agentKey)), 400, /amount/);
    });

    it('malformed values → 400: pay type, integers, timestamps, nesting, over-long text', async () => {
      const bad: Params[] = [
        { ...examples.pc(), pay_type: 'paypal' },
        { ...examples.pc(), channel_account_id: 'x' },
        { ...examples.pc(), timestamp: 'yesterday' },
        { ...examples.pc(), remark: 'x'.repeat(256) },
        // Beyond a row id (32 bits): on PostgreSQL the lookup itself failed, a 500.
        { ...examples.pc(), channel_account_id: '2147483648' },
      ];
      for (const params of bad) await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed(params, shop.key)), 400);
      await refusedWithoutWrites(() => postJson(url('/third-account/heart'), signed({ ...examples.thirdHeart(), type: 'one' }, agentKey)), 400);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/heart`), signed({ ...examples.heart(), channel_id: 99_999_999_999 }, shop.key)), 400, /channel_id must be an id/);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed({ ...examples.pc(), channel_account_id: 2_147_483_648 }, shop.key)), 400, /channel_account_id must be an id \(at most 2147483647\)/);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), { ...signed(examples.pc(), shop.key), amount: [100, 200] }), 400, /single value/);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), { ...signed(examples.pc(), shop.key), remark: { a: 1 } }), 400);
      await refusedWithoutWrites(async () => {
        const res = await fetch(`${url(`/${shop.pid}/pc`)}?amount=1&amount=2`);
        return { status: res.status, json: (await res.json()) as Reply['json'], text: '' };
      }, 400);
    });

    it('a NUL character in a value or a name → 400 on every route, on both databases (PostgreSQL could store it nowhere)', async () => {
      const nul = 'before\u0000after';
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed({ ...examples.pc(), remark: nul }, shop.key)), 400, /remark must not contain the NUL/);
      await refusedWithoutWrites(() => postForm(url(`/${shop.pid}/pc`), signed({ ...examples.pc(), pay_user: nul }, shop.key)), 400, /pay_user must not contain the NUL/);
      await refusedWithoutWrites(() => getQuery(url(`/${shop.pid}/pc`), signed({ ...examples.pc(), [`x${nul}`]: 1 }, shop.key)), 400, /parameter name must not contain the NUL/);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/heart`), signed({ ...examples.heart(), ext_data: nul }, shop.key)), 400, /ext_data/);
      await refusedWithoutWrites(() => postJson(url('/third-account'), signed({ ...examples.third(), remark: nul }, agentKey)), 400, /remark/);
      // Inside `content`'s JSON the NUL arrives escaped (`\u0000`) and is only decoded by the server.
      const content = JSON.stringify({ from: '95588', package_name: 'com.example.app', msg: nul, receive_time: '2024-01-01 12:00:00' });
      expect(content).not.toContain('\u0000');
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}`), signed({ from: 'sms', content, timestamp: String(nowSeconds()) }, shop.key)), 400, /content\.msg must not contain the NUL/);
    });

    it('a body that is not JSON, not an object, or of another content type → 400 envelope', async () => {
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), '{"amount": 100,'), 400);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), '[1,2,3]'), 400);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), '"amount"'), 400);
      await refusedWithoutWrites(async () => {
        const res = await fetch(url(`/${shop.pid}/pc`), { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<amount>1</amount>' });
        return { status: res.status, json: (await res.json()) as Reply['json'], text: '' };
      }, 400);
    });

    it('the same payment reported again (new timestamp and sign) → 409, the same upstream order id → 409', async () => {
      const payment = { ...examples.pc(), channel_account_id: '', out_order_id: '', pay_time: `t-${Math.random()}` };
      expectEnvelope(await postJson(url(`/${shop.pid}/pc`), signed(payment, shop.key)), 200);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed({ ...payment, timestamp: String(nowSeconds(3)) }, shop.key)), 409);
      // Different fields, same upstream order id: the same payment seen twice.
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}/pc`), signed({ ...payment, amount: 101, timestamp: String(nowSeconds(4)) }, shop.key)), 409);
      // The same notification forwarded twice.
      const note = examples.notification();
      expectEnvelope(await postJson(url(`/${shop.pid}`), signed(note, shop.key)), 200);
      await refusedWithoutWrites(() => postJson(url(`/${shop.pid}`), signed({ ...note, timestamp: String(nowSeconds(5)) }, shop.key)), 409);
    });
  });
});
