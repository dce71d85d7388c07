import { afterAll, describe, expect, it } from 'vitest';
import { CallbackDelivery, Credential, CredentialKind, PaymentReportSource } from '../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../support/core.js';
import { createShop, openPayIn, openPayout, paidPayIn } from '../support/graph-fixtures.js';
import { errorCodes, graphqlTestEnv, startGraphqlServer, TEST_ADMIN_TOKEN } from '../support/graphql.js';

const core = await setupTestCore(graphqlTestEnv);
const server = await startGraphqlServer(core);
afterAll(() => server.close());

/** Loosely typed answers: each test asserts the exact shape it asked for. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
const admin = (query: string, variables?: Record<string, unknown>) => server.gql<Data>(TEST_ADMIN_TOKEN, query, variables);

interface Audit {
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string;
  details: Record<string, unknown> | null;
  createdAt: string;
}

/** The audit trail of one subject, newest first, as the admin console reads it. */
async function auditOf(subjectType: string, subjectId: string): Promise<Audit[]> {
  const reply = await admin(
    `query($t: String, $i: String) { auditEntries(subjectType: $t, subjectId: $i) { edges { node { actor action subjectType subjectId details createdAt } } } }`,
    { t: subjectType, i: subjectId },
  );
  expect(reply.errors).toBeUndefined();
  return reply.data!.auditEntries.edges.map((e: { node: Audit }) => e.node);
}

function expectRecent(iso: string, since: number): void {
  const t = Date.parse(iso);
  expect(t).toBeGreaterThanOrEqual(since - 1000);
  expect(t).toBeLessThanOrEqual(Date.now() + 1000);
}

describe(`admin mutations change what they say and are audited (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('createMerchant creates a working merchant, shows its secrets once and audits it', async () => {
    const since = Date.now();
    const reply = await admin(`mutation { createMerchant(input: { name: "New Shop", feeRateBp: 50 }) { merchant { id name feeRateBp status balance } pid appKey dashboardToken md5Key appSecret apiKey } }`);
    expect(reply.errors).toBeUndefined();
    const created = reply.data!.createMerchant;
    expect(created.merchant).toMatchObject({ name: 'New Shop', feeRateBp: 50, status: 'ACTIVE', balance: 0 });
    const viewer = await server.gql<{ viewer: { role: string; merchant: { id: string; pid: string } } }>(created.dashboardToken, '{ viewer { role merchant { id pid } } }');
    expect(viewer.data!.viewer).toEqual({ role: 'MERCHANT', merchant: { id: created.merchant.id, pid: created.pid } });
    // Secrets are never readable again: only masked hints.
    const later = await admin(`query($id: ID!) { merchant(id: $id) { credentials { kind identifier maskedSecret } } }`, { id: created.merchant.id });
    expect(later.body).not.toContain(created.appSecret);
    expect(later.body).not.toContain(created.dashboardToken);
    expect(later.data!.merchant.credentials).toContainEqual({ kind: 'APP_KEY', identifier: created.appKey, maskedSecret: `••••••••${created.appSecret.slice(-4)}` });
    const [entry] = await auditOf('merchant', created.merchant.id);
    expect(entry).toMatchObject({ actor: 'admin', action: 'merchant.create', details: { name: 'New Shop', feeRateBp: 50 } });
    expectRecent(entry!.createdAt, since);
  });

  it('rotateCredential replaces a secret (the old one stops working) and audits who did it', async () => {
    const shop = await createShop(core, 'Rotating Shop');
    const since = Date.now();
    const reply = await server.gql<{ rotateCredential: { secret: string; credential: { id: string; kind: string; maskedSecret: string; rotatedAt: string } } }>(
      shop.dashboardToken,
      `mutation($m: ID!) { rotateCredential(merchantId: $m, kind: DASHBOARD_TOKEN) { secret credential { id kind maskedSecret rotatedAt } } }`,
      { m: String(shop.merchant.id) },
    );
    expect(reply.errors).toBeUndefined();
    const rotated = reply.data!.rotateCredential;
    expect(rotated.secret).not.toBe(shop.dashboardToken);
    expect(rotated.credential.maskedSecret).toBe(`••••••••${rotated.secret.slice(-4)}`);
    expect(errorCodes(await server.gql(shop.dashboardToken, '{ viewer { role } }'))).toEqual(['UNAUTHENTICATED']);
    expect((await server.gql<{ viewer: { role: string } }>(rotated.secret, '{ viewer { role } }')).data!.viewer.role).toBe('MERCHANT');

    const appBefore = await core.em().findOneOrFail(Credential, { merchant: shop.merchant.id, kind: CredentialKind.AppKey });
    const app = await admin(`mutation($m: ID!) { rotateCredential(merchantId: $m, kind: APP_KEY) { secret credential { identifier } } }`, { m: String(shop.merchant.id) });
    expect(app.data!.rotateCredential.credential.identifier).toBe(shop.appKey);
    const appAfter = await core.credentials.open(core.em(), CredentialKind.AppKey, shop.appKey);
    expect(appAfter!.secret).toBe(app.data!.rotateCredential.secret);
    expect(appAfter!.credentialId).toBe(appBefore.id);
    expect((await core.em().fork().findOneOrFail(Credential, { id: appBefore.id })).secretSealed).not.toBe(appBefore.secretSealed);

    const entries = await auditOf('credential', rotated.credential.id);
    expect(entries[0]).toMatchObject({ actor: `merchant:${shop.merchant.id}`, action: 'credential.rotate', details: { merchantId: shop.merchant.id, kind: 'dashboard_token' } });
    expectRecent(entries[0]!.createdAt, since);
    expect((await auditOf('credential', String(appBefore.id)))[0]).toMatchObject({ actor: 'admin', action: 'credential.rotate' });
  });

  it('createCollectionAccount and updateCollectionAccount store what they say, audited', async () => {
    const shop = await createShop(core, 'QR Shop');
    const created = await admin(
      `mutation($m: ID!) { createCollectionAccount(input: { merchantId: $m, payType: "alipay", channelCode: "ali_qr", accountName: "li@example.com", qrContent: "https://qr.alipay.com/abc", maxAmount: 50000, clientName: "phone-1" }) { id payType channelCode accountName qrContent maxAmount enabled online merchant { name } } }`,
      { m: String(shop.merchant.id) },
    );
    expect(created.errors).toBeUndefined();
    const account = created.data!.createCollectionAccount;
    expect(account).toMatchObject({ payType: 'alipay', channelCode: 'ali_qr', accountName: 'li@example.com', maxAmount: 50_000, enabled: true, online: false, merchant: { name: 'QR Shop' } });

    const updated = await server.gql<Data>(
      shop.dashboardToken,
      `mutation($id: ID!) { updateCollectionAccount(id: $id, input: { enabled: false, maxAmount: null, minAmount: 100 }) { enabled maxAmount minAmount channelCode } }`,
      { id: account.id },
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateCollectionAccount).toEqual({ enabled: false, maxAmount: null, minAmount: 100, channelCode: 'ali_qr' });
    const stored = await core.collectionAccounts.get(core.em(), shop.merchant.id, Number(account.id));
    expect(stored).toMatchObject({ enabled: false, maxAmount: null, minAmount: 100 });
    const entries = await auditOf('collection_account', account.id);
    expect(entries.map((e) => [e.actor, e.action])).toEqual([
      [`merchant:${shop.merchant.id}`, 'collection_account.update'],
      ['admin', 'collection_account.create'],
    ]);
  });

  it('completePayout pays the reservation out, owes the callback and audits it', async () => {
    const shop = await createShop(core, 'Payout Shop');
    await paidPayIn(core, shop.merchant.id, 30_000);
    const payout = await openPayout(core, shop.merchant.id, 10_000);
    const reply = await admin(`mutation($id: ID!) { completePayout(id: $id) { id status finishedAt lastDelivery { status subjectId } merchant { balance reservedBalance } } }`, { id: payout.publicId });
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.completePayout).toMatchObject({ id: payout.publicId, status: 'COMPLETED', lastDelivery: { status: 'PENDING', subjectId: payout.publicId }, merchant: { balance: 20_000, reservedBalance: 0 } });
    const [entry] = await auditOf('payout', payout.publicId);
    expect(entry).toMatchObject({ actor: 'admin', action: 'payout.complete' });
  });

  it('failPayout returns the reservation to the balance and audits the reason', async () => {
    const shop = await createShop(core, 'Failing Payout Shop');
    await paidPayIn(core, shop.merchant.id, 30_000);
    const payout = await openPayout(core, shop.merchant.id, 10_000);
    const reply = await admin(`mutation($id: ID!) { failPayout(id: $id, reason: "account closed") { status failureReason lastDelivery { id } merchant { balance reservedBalance } } }`, { id: payout.publicId });
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.failPayout).toEqual({ status: 'FAILED', failureReason: 'account closed', lastDelivery: null, merchant: { balance: 30_000, reservedBalance: 0 } });
    const [entry] = await auditOf('payout', payout.publicId);
    expect(entry).toMatchObject({ actor: 'admin', action: 'payout.fail', details: { reason: 'account closed' } });
    // Finishing it again the other way is a conflict, and changes nothing.
    const again = await admin(`mutation($id: ID!) { completePayout(id: $id) { status } }`, { id: payout.publicId });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('resendCallback owes the same callback again as a new delivery, audited', async () => {
    const shop = await createShop(core, 'Resend Shop');
    const { order, deliveryId } = await paidPayIn(core, shop.merchant.id, 1_000);
    const reply = await server.gql<Data>(shop.dashboardToken, `mutation($d: ID!) { resendCallback(deliveryId: $d) { id status subjectId attemptCount } }`, { d: deliveryId });
    expect(reply.errors).toBeUndefined();
    const copy = reply.data!.resendCallback;
    expect(copy).toMatchObject({ status: 'PENDING', subjectId: order.publicId, attemptCount: 0 });
    expect(copy.id).not.toBe(deliveryId);
    const [original, resent] = await Promise.all([core.callbacks.byId(core.em(), deliveryId), core.em().findOneOrFail(CallbackDelivery, { id: copy.id })]);
    expect(resent.body).toBe(original!.body);
    const lastDelivery = await server.gql<Data>(shop.dashboardToken, `query($id: ID!) { payInOrder(id: $id) { lastDelivery { id } callbackDeliveries { id } } }`, { id: order.publicId });
    expect(lastDelivery.data!.payInOrder.lastDelivery.id).toBe(copy.id);
    expect(lastDelivery.data!.payInOrder.callbackDeliveries).toHaveLength(2);
    const [entry] = await auditOf('callback_delivery', copy.id);
    expect(entry).toMatchObject({ actor: `merchant:${shop.merchant.id}`, action: 'callback.resend', details: { resendOf: deliveryId } });
  });

  it('attachPaymentReport pays the order an unmatched report belongs to, audited', async () => {
    const shop = await createShop(core, 'Review Shop');
    const order = await openPayIn(core, shop.merchant.id, 8_800);
    const { report } = await core.reportMatching.report(core.em(), {
      merchantId: shop.merchant.id,
      source: PaymentReportSource.Pc,
      amount: 8_800,
      payType: 'alipay',
      identity: { trade: 'T-1' },
      fields: { amount: '8800', pay_type: 'alipay' },
    });
    const queue = await admin(`query($m: ID!) { merchant(id: $m) { paymentReports(status: UNMATCHED) { edges { node { id reason amount } } } } }`, { m: String(shop.merchant.id) });
    expect(queue.data!.merchant.paymentReports.edges).toEqual([{ node: { id: String(report.id), reason: 'no_account', amount: 8_800 } }]);

    const reply = await admin(`mutation($r: ID!, $o: ID!) { attachPaymentReport(reportId: $r, orderId: $o) { status matchedAt order { id status paidAmount } } }`, { r: String(report.id), o: order.publicId });
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.attachPaymentReport).toMatchObject({ status: 'ATTACHED', order: { id: order.publicId, status: 'PAID', paidAmount: 8_800 } });
    const [entry] = await auditOf('payment_report', String(report.id));
    expect(entry).toMatchObject({ actor: 'admin', action: 'payment_report.attach', details: { order: order.publicId } });
    const again = await admin(`mutation($r: ID!, $o: ID!) { attachPaymentReport(reportId: $r, orderId: $o) { status } }`, { r: String(report.id), o: order.publicId });
    expect(errorCodes(again)).toEqual(['CONFLICT']);
  });

  it('third-party accounts: create (key shown once), rotate the key and disable, each audited', async () => {
    const shop = await createShop(core, 'Agent Shop');
    const created = await admin(`mutation($m: ID!) { createThirdPartyAccount(merchantId: $m, account: "agent-7", type: 2) { key account { id maskedKey enabled } } }`, { m: String(shop.merchant.id) });
    expect(created.errors).toBeUndefined();
    const { key, account } = created.data!.createThirdPartyAccount;
    expect(account.maskedKey).toBe(`••••••••${key.slice(-4)}`);
    expect((await core.thirdPartyAccounts.open(core.em(), 'agent-7', 2))!.key).toBe(key);

    const rotated = await admin(`mutation($id: ID!) { rotateThirdPartyAccountKey(id: $id) { key } }`, { id: account.id });
    expect((await core.thirdPartyAccounts.open(core.em(), 'agent-7', 2))!.key).toBe(rotated.data!.rotateThirdPartyAccountKey.key);
    const disabled = await admin(`mutation($id: ID!) { setThirdPartyAccountEnabled(id: $id, enabled: false) { enabled } }`, { id: account.id });
    expect(disabled.data!.setThirdPartyAccountEnabled.enabled).toBe(false);
    expect(await core.thirdPartyAccounts.open(core.em(), 'agent-7', 2)).toBeNull();
    expect((await auditOf('third_party_account', account.id)).map((e) => [e.actor, e.action])).toEqual([
      ['admin', 'third_party_account.disable'],
      ['admin', 'third_party_account.rotate_key'],
      ['admin', 'third_party_account.create'],
    ]);
  });
});

describe('admin edits of merchants and the channel table', () => {
  it('updateMerchant disables a merchant and changes its fee, audited; the merchant itself may not', async () => {
    const shop = await createShop(core, 'Editable Shop');
    const id = String(shop.merchant.id);
    const denied = await server.gql<Data>(shop.dashboardToken, `mutation($id: ID!) { updateMerchant(id: $id, input: { feeRateBp: 0 }) { id } }`, { id });
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
    const reply = await admin(`mutation($id: ID!) { updateMerchant(id: $id, input: { status: DISABLED, feeRateBp: 120 }) { id status feeRateBp name } }`, { id });
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.updateMerchant).toEqual({ id, status: 'DISABLED', feeRateBp: 120, name: 'Editable Shop' });
    const [entry] = await auditOf('merchant', id);
    expect(entry).toMatchObject({ actor: 'admin', action: 'merchant.update', details: { after: { status: 'disabled', feeRateBp: 120 } } });
    const bad = await admin(`mutation($id: ID!) { updateMerchant(id: $id, input: { feeRateBp: 20000 }) { id } }`, { id });
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });

  it('updateChannel assigns a plugin to a channel and unassigns it, audited; unknown plugins are refused', async () => {
    const assign = await admin(`mutation { updateChannel(id: "13", input: { plugin: "monitor", name: "微信赞赏码" }) { id name plugin enabled } }`);
    expect(assign.errors).toBeUndefined();
    expect(assign.data!.updateChannel).toMatchObject({ id: '13', plugin: 'monitor', enabled: true });
    const unassign = await admin(`mutation { updateChannel(id: "13", input: { plugin: "" }) { plugin } }`);
    expect(unassign.data!.updateChannel.plugin).toBeNull();
    const entries = await auditOf('channel', '13');
    expect(entries.map((e) => e.action)).toEqual(['channel.update', 'channel.update']);
    const bad = await admin(`mutation { updateChannel(id: "13", input: { plugin: "nope" }) { id } }`);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    const shop = await createShop(core, 'Channel Meddler');
    const denied = await server.gql<Data>(shop.dashboardToken, `mutation { updateChannel(id: "13", input: { enabled: false }) { id } }`);
    expect(errorCodes(denied)).toEqual(['FORBIDDEN']);
  });
});
