import { afterAll, describe, expect, it } from 'vitest';
import { Channel, PaymentReportSource } from '../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../support/core.js';
import { createShop, openPayout, paidPayIn } from '../support/graph-fixtures.js';
import { graphqlTestEnv, startGraphqlServer, TEST_ADMIN_TOKEN } from '../support/graphql.js';

const core = await setupTestCore(graphqlTestEnv);
const server = await startGraphqlServer(core);
afterAll(() => server.close());

const shop = await createShop(core, 'Reading Shop');
const account = await core.collectionAccounts.create(core.em(), { merchantId: shop.merchant.id, payType: 'alipay', channelCode: 'ali', accountName: 'a@b.c', qrContent: 'https://qr.alipay.com/r1', clientName: 'phone-r' });
await core.em().transactional((em) => core.monitorClients.heartbeat(em, { merchantId: shop.merchant.id, clientName: 'phone-r', extData: '{"battery":80}' }));
await core.thirdPartyAccounts.create(core.em(), { merchantId: shop.merchant.id, account: 'reader-agent', type: 3 });
const paid = await paidPayIn(core, shop.merchant.id, 7_000);
const payout = await openPayout(core, shop.merchant.id, 2_000);
const { report } = await core.reportMatching.report(core.em(), {
  merchantId: shop.merchant.id,
  source: PaymentReportSource.Pc,
  amount: 999,
  payType: 'alipay',
  collectionAccountId: account.id,
  identity: { r: 1 },
  fields: { amount: '999' },
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;
const as = (token: string, query: string, variables?: Record<string, unknown>) => server.gql<Data>(token, query, variables);

describe(`what the graph shows of a merchant (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('shows the ledger movements behind the balances, newest first', async () => {
    const reply = await as(shop.dashboardToken, `query($m: ID!) { merchant(id: $m) { balance balanceYuan reservedBalance ledgerEntries { totalCount edges { node { account amount balanceAfter reason reference } } } } }`, { m: String(shop.merchant.id) });
    expect(reply.errors).toBeUndefined();
    const m = reply.data!.merchant;
    expect([m.balance, m.balanceYuan, m.reservedBalance]).toEqual([5_000, '50.00', 2_000]);
    expect(m.ledgerEntries.edges.map((e: Data) => e.node)).toEqual([
      // One posting's legs: its credits are appended before its debits (LedgerService.post).
      { account: 'AVAILABLE', amount: -2_000, balanceAfter: 5_000, reason: 'payout_reserve', reference: `payout:${payout.id}:reserve` },
      { account: 'RESERVED', amount: 2_000, balanceAfter: 2_000, reason: 'payout_reserve', reference: `payout:${payout.id}:reserve` },
      { account: 'AVAILABLE', amount: 7_000, balanceAfter: 7_000, reason: expect.any(String), reference: `payin:${paid.order.id}:paid` },
    ]);
    const reserved = await as(shop.dashboardToken, `query($m: ID!) { merchant(id: $m) { ledgerEntries(account: RESERVED) { totalCount } } }`, { m: String(shop.merchant.id) });
    expect(reserved.data!.merchant.ledgerEntries.totalCount).toBe(1);
  });

  it('shows monitor clients, third-party accounts and collection accounts with their online state, across subgraphs', async () => {
    const reply = await as(
      shop.dashboardToken,
      `query($m: ID!) { merchant(id: $m) {
         monitorClients { clientName online extData lastHeartbeatAt }
         thirdPartyAccounts { account type enabled online maskedKey }
         collectionAccounts { id payType online receivedToday monitorClient { clientName online } }
         credentials { kind identifier }
       } }`,
      { m: String(shop.merchant.id) },
    );
    expect(reply.errors).toBeUndefined();
    const m = reply.data!.merchant;
    expect(m.monitorClients).toEqual([{ clientName: 'phone-r', online: true, extData: '{"battery":80}', lastHeartbeatAt: expect.any(String) }]);
    expect(m.thirdPartyAccounts).toEqual([{ account: 'reader-agent', type: 3, enabled: true, online: false, maskedKey: expect.stringMatching(/^•{8}.{4}$/) }]);
    expect(m.collectionAccounts).toEqual([{ id: String(account.id), payType: 'alipay', online: true, receivedToday: 0, monitorClient: { clientName: 'phone-r', online: true } }]);
    expect(m.credentials.map((c: Data) => c.kind).sort()).toEqual(['API_KEY', 'APP_KEY', 'DASHBOARD_TOKEN', 'REPORT_KEY']);
    expect(m.credentials.find((c: Data) => c.kind === 'REPORT_KEY').identifier).toBe(shop.pid);
    expect(m.credentials.find((c: Data) => c.kind === 'API_KEY').identifier).toBeNull();
  });

  it('shows unmatched reports with the collection account they arrived in (orders → configs)', async () => {
    const reply = await as(TEST_ADMIN_TOKEN, `{ paymentReports(status: UNMATCHED) { edges { node { id source reason amount fields collectionAccount { channelCode } order { id } merchant { name } } } } }`);
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.paymentReports.edges.map((e: Data) => e.node)).toEqual([
      { id: String(report.id), source: 'PC', reason: 'no_pending_order', amount: 999, fields: { amount: '999' }, collectionAccount: { channelCode: 'ali' }, order: null, merchant: { name: 'Reading Shop' } },
    ]);
  });

  it('shows the channel table to everyone and the installed plugins to the admin', async () => {
    const rows = await core.em().find(Channel, {}, { orderBy: { id: 'asc' } });
    const channels = await as(shop.dashboardToken, '{ channels { id name payType plugin enabled } }');
    expect(channels.data!.channels).toEqual(rows.map((c) => ({ id: String(c.id), name: c.name, payType: c.payType ?? null, plugin: c.plugin ?? null, enabled: c.enabled })));
    const plugins = await as(TEST_ADMIN_TOKEN, '{ paymentChannelPlugins { id displayName optionsSchema supportsPayout acceptsNotifications } }');
    expect(plugins.data!.paymentChannelPlugins).toContainEqual({ id: 'sandbox', displayName: expect.any(String), optionsSchema: null, supportsPayout: false, acceptsNotifications: true });
  });
});
