import { afterAll, describe, expect, it } from 'vitest';
import { AuditEntry, CallbackDelivery, Credential, PaymentReportSource, Payout, PayoutStatus } from '../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../support/core.js';
import { createShop, openPayIn, openPayout, paidPayIn } from '../support/graph-fixtures.js';
import { asGateway, errorCodes, graphqlPost, graphqlTestEnv, startGraphqlServer, startGraphRole, type GraphqlReply } from '../support/graphql.js';

const core = await setupTestCore(graphqlTestEnv);
const server = await startGraphqlServer(core);
const roles = {
  merchants: await startGraphRole(core, 'subgraph-merchants'),
  orders: await startGraphRole(core, 'subgraph-orders'),
  configs: await startGraphRole(core, 'subgraph-configs'),
};
afterAll(async () => {
  await server.close();
  await Promise.all(Object.values(roles).map((r) => r.close()));
});

/** Merchant B owns one of everything; merchant A will try to reach all of it. */
async function merchantWithEverything(name: string) {
  const shop = await createShop(core, name);
  const paid = await paidPayIn(core, shop.merchant.id, 50_000);
  const pending = await openPayIn(core, shop.merchant.id, 900);
  const payout = await openPayout(core, shop.merchant.id, 10_000);
  const account = await core.collectionAccounts.create(core.em(), { merchantId: shop.merchant.id, payType: 'wxpay', channelCode: 'wx', qrContent: `wxp://qr-of-${name.replace(' ', '-')}`, clientName: `${name} phone` });
  const agent = await core.thirdPartyAccounts.create(core.em(), { merchantId: shop.merchant.id, account: `${name}-agent`, type: 1 });
  const { report } = await core.reportMatching.report(core.em(), {
    merchantId: shop.merchant.id,
    source: PaymentReportSource.Pc,
    amount: 123,
    payType: 'alipay',
    identity: { n: name },
    fields: { amount: '123' },
  });
  return { shop, paid, pending, payout, account, agent: agent.account, report, clientId: account.monitorClient!.id };
}

const a = await merchantWithEverything('Shop A');
const b = await merchantWithEverything('Shop B');
const tokenA = a.shop.dashboardToken;
const bId = String(b.shop.merchant.id);
const bSecrets = [b.paid.order.publicId, b.pending.publicId, b.payout.publicId, b.paid.deliveryId, b.account.qrContent, 'Shop B'];

function expectNothingOfB(reply: GraphqlReply<unknown>): void {
  for (const secret of bSecrets) expect(reply.body).not.toContain(secret);
}

describe(`merchant A cannot read or change merchant B (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it("answers NOT_FOUND for every one of B's objects asked for by id, while A's own resolve", async () => {
    const lookups: Array<[string, string, string]> = [
      ['merchant', bId, 'name'],
      ['payInOrder', b.paid.order.publicId, 'amount'],
      ['payout', b.payout.publicId, 'amount'],
      ['callbackDelivery', b.paid.deliveryId, 'body'],
      ['paymentReport', String(b.report.id), 'amount'],
      ['collectionAccount', String(b.account.id), 'qrContent'],
    ];
    for (const [field, id, leaf] of lookups) {
      const reply = await server.gql(tokenA, `query($id: ID!) { ${field}(id: $id) { ${leaf} } }`, { id });
      expect(errorCodes(reply), field).toEqual(['NOT_FOUND']);
      expect(reply.data?.[field], field).toBeNull();
      expectNothingOfB(reply);
    }
    const own = await server.gql<{ payInOrder: { amount: number } }>(tokenA, `query($id: ID!) { payInOrder(id: $id) { amount } }`, { id: a.paid.order.publicId });
    expect(own.data!.payInOrder.amount).toBe(50_000);
  });

  it("lists only A's own objects, and refuses to list B's by merchantId", async () => {
    const lists = ['payInOrders', 'payouts', 'callbackDeliveries', 'paymentReports', 'collectionAccounts'];
    for (const list of lists) {
      const mine = await server.gql<Record<string, { totalCount: number; edges: Array<{ node: { merchant: { id: string } } }> }>>(
        tokenA,
        `{ ${list}(first: 100) { totalCount edges { node { merchant { id } } } } }`,
      );
      expect(mine.errors, list).toBeUndefined();
      expect(mine.data![list]!.totalCount, list).toBeGreaterThan(0);
      expect(new Set(mine.data![list]!.edges.map((e) => e.node.merchant.id)), list).toEqual(new Set([String(a.shop.merchant.id)]));
      const theirs = await server.gql(tokenA, `query($m: ID!) { ${list}(merchantId: $m) { totalCount } }`, { m: bId });
      expect(errorCodes(theirs), list).toEqual(['NOT_FOUND']);
    }
  });

  it('refuses the admin-only views to a merchant with FORBIDDEN', async () => {
    for (const query of ['{ merchants { totalCount } }', '{ auditEntries { totalCount } }', '{ paymentChannelPlugins { id } }']) {
      const reply = await server.gql(tokenA, query);
      expect(errorCodes(reply), query).toEqual(['FORBIDDEN']);
      expect(reply.status, query).toBe(200);
    }
  });

  it('does not expose _entities through the gateway', async () => {
    const reply = await server.gql(tokenA, `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`, { r: [{ __typename: 'Merchant', id: bId }] });
    expect(errorCodes(reply).length).toBeGreaterThan(0);
    expect(new Set(errorCodes(reply))).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    expect(reply.data).toBeUndefined();
  });

  it("resolves none of B's entities when A's identity sends representations straight to each subgraph", async () => {
    const cases: Array<{ subgraph: keyof typeof roles; typename: string; own: string; theirs: string; selection: string }> = [
      { subgraph: 'merchants', typename: 'Merchant', own: String(a.shop.merchant.id), theirs: bId, selection: 'name balance credentials { maskedSecret }' },
      { subgraph: 'merchants', typename: 'MonitorClient', own: String(a.clientId), theirs: String(b.clientId), selection: 'clientName' },
      { subgraph: 'orders', typename: 'Merchant', own: String(a.shop.merchant.id), theirs: bId, selection: 'orders { totalCount edges { node { id } } }' },
      { subgraph: 'orders', typename: 'PayInOrder', own: a.paid.order.publicId, theirs: b.paid.order.publicId, selection: 'id amount' },
      { subgraph: 'orders', typename: 'Payout', own: a.payout.publicId, theirs: b.payout.publicId, selection: 'id accountNumber' },
      { subgraph: 'orders', typename: 'CallbackDelivery', own: a.paid.deliveryId, theirs: b.paid.deliveryId, selection: 'id body' },
      { subgraph: 'orders', typename: 'PaymentReport', own: String(a.report.id), theirs: String(b.report.id), selection: 'id amount' },
      { subgraph: 'configs', typename: 'Merchant', own: String(a.shop.merchant.id), theirs: bId, selection: 'collectionAccounts { qrContent }' },
      { subgraph: 'configs', typename: 'CollectionAccount', own: String(a.account.id), theirs: String(b.account.id), selection: 'qrContent' },
    ];
    for (const c of cases) {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${c.typename} { ${c.selection} } } }`;
      const label = `${c.subgraph} ${c.typename}`;
      const reply = await graphqlPost<{ _entities: unknown[] }>(roles[c.subgraph].url, null, query, { r: [{ __typename: c.typename, id: c.own }, { __typename: c.typename, id: c.theirs }] }, asGateway(`merchant:${a.shop.merchant.id}`));
      expect(reply.data!._entities[0], label).not.toBeNull();
      expect(reply.data!._entities[1], label).toBeNull();
      expect(errorCodes(reply), label).toEqual(['NOT_FOUND']);
      expectNothingOfB(reply);
    }
  });

  it("changes nothing of B's through any mutation", async () => {
    const before = {
      credentials: (await core.em().find(Credential, { merchant: b.shop.merchant.id })).map((c) => c.secretSealed).sort(),
      deliveries: await core.em().count(CallbackDelivery, { merchant: b.shop.merchant.id }),
      account: await core.collectionAccounts.get(core.em(), b.shop.merchant.id, b.account.id),
      agentKey: (await core.thirdPartyAccounts.open(core.em(), 'Shop B-agent', 1))!.key,
    };
    const attempts: Array<[string, Record<string, unknown>, string]> = [
      ['mutation($m: ID!) { rotateCredential(merchantId: $m, kind: APP_KEY) { secret } }', { m: bId }, 'NOT_FOUND'],
      ['mutation($d: ID!) { resendCallback(deliveryId: $d) { id } }', { d: b.paid.deliveryId }, 'NOT_FOUND'],
      ['mutation($id: ID!) { updateCollectionAccount(id: $id, input: { qrContent: "wxp://evil" }) { id } }', { id: String(b.account.id) }, 'NOT_FOUND'],
      ['mutation($m: ID!) { createCollectionAccount(input: { merchantId: $m, payType: "alipay", channelCode: "x", qrContent: "y" }) { id } }', { m: bId }, 'NOT_FOUND'],
      ['mutation($m: ID!) { createThirdPartyAccount(merchantId: $m, account: "evil", type: 9) { key } }', { m: bId }, 'NOT_FOUND'],
      ['mutation($id: ID!) { rotateThirdPartyAccountKey(id: $id) { key } }', { id: String(b.agent.id) }, 'NOT_FOUND'],
      ['mutation($id: ID!) { setThirdPartyAccountEnabled(id: $id, enabled: false) { id } }', { id: String(b.agent.id) }, 'NOT_FOUND'],
      ['mutation($id: ID!) { completePayout(id: $id) { status } }', { id: b.payout.publicId }, 'FORBIDDEN'],
      ['mutation($id: ID!) { failPayout(id: $id, reason: "x") { status } }', { id: b.payout.publicId }, 'FORBIDDEN'],
      ['mutation($r: ID!, $o: ID!) { attachPaymentReport(reportId: $r, orderId: $o) { status } }', { r: String(b.report.id), o: b.pending.publicId }, 'FORBIDDEN'],
      ['mutation { createMerchant(input: { name: "Evil" }) { pid } }', {}, 'FORBIDDEN'],
    ];
    for (const [mutation, variables, code] of attempts) {
      const reply = await server.gql(tokenA, mutation, variables);
      expect(errorCodes(reply), mutation).toEqual([code]);
      expectNothingOfB(reply);
    }
    expect((await core.em().find(Credential, { merchant: b.shop.merchant.id })).map((c) => c.secretSealed).sort()).toEqual(before.credentials);
    expect(await core.em().count(CallbackDelivery, { merchant: b.shop.merchant.id })).toBe(before.deliveries);
    expect(await core.collectionAccounts.get(core.em(), b.shop.merchant.id, b.account.id)).toMatchObject({ qrContent: before.account!.qrContent });
    expect(await core.collectionAccounts.list(core.em(), b.shop.merchant.id)).toHaveLength(1);
    expect((await core.thirdPartyAccounts.open(core.em(), 'Shop B-agent', 1))!.key).toBe(before.agentKey);
    expect((await core.em().findOneOrFail(Payout, { publicId: b.payout.publicId })).status).toBe(PayoutStatus.Pending);
    expect((await core.reportMatching.byId(core.em(), b.shop.merchant.id, b.report.id))!.status).toBe('unmatched');
    expect(await core.em().count(AuditEntry, { actor: `merchant:${a.shop.merchant.id}` })).toBe(0);
  });
});
