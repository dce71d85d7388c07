import { afterAll, describe, expect, it } from 'vitest';
import { Channel } from '../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../support/core.js';
import { createShop, openPayIn, paidPayIn, recordAttempt } from '../support/graph-fixtures.js';
import { graphqlTestEnv, startGraphqlServer, TEST_ADMIN_TOKEN } from '../support/graphql.js';

const core = await setupTestCore(graphqlTestEnv);
const server = await startGraphqlServer(core);
afterAll(() => server.close());

const shop = await createShop(core, 'Cross Subgraph Shop');
const other = await createShop(core, 'Other Shop');
const pendingOnChannel1 = await openPayIn(core, shop.merchant.id, 12_345, 1);
const pendingOnChannel2 = await openPayIn(core, shop.merchant.id, 500, 2);
const paid = await paidPayIn(core, shop.merchant.id, 20_000, 3);
await recordAttempt(core, paid.deliveryId, 1, { httpStatus: 500, body: 'oops' });
await recordAttempt(core, paid.deliveryId, 2, { httpStatus: 200, body: 'success' });
await openPayIn(core, other.merchant.id, 777, 1);

const channelNames = new Map((await core.em().find(Channel, {})).map((c) => [String(c.id), c.name]));

const SPEC_QUERY = /* GraphQL */ `
  query Dashboard($id: ID!, $status: PayInStatus!) {
    merchant(id: $id) {
      name
      balance
      orders(first: 20, status: $status) {
        edges { node { id amount channel { name } lastDelivery { attempts { status } } } }
      }
    }
  }
`;

interface DashboardData {
  merchant: {
    name: string;
    balance: number;
    orders: { edges: Array<{ node: { id: string; amount: number; channel: { name: string }; lastDelivery: { attempts: Array<{ status: string }> } | null } }> };
  };
}

describe(`one request across merchants, orders and configs (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('answers the dashboard query for pending orders with names from configs and the balance from merchants', async () => {
    for (const token of [TEST_ADMIN_TOKEN, shop.dashboardToken]) {
      const reply = await server.gql<DashboardData>(token, SPEC_QUERY, { id: String(shop.merchant.id), status: 'PENDING' });
      expect(reply.errors).toBeUndefined();
      const merchant = reply.data!.merchant;
      expect(merchant.name).toBe('Cross Subgraph Shop');
      // The paid pay-in of 200.00 yuan is the whole available balance (fee rate 0).
      expect(merchant.balance).toBe(20_000);
      expect(merchant.orders.edges.map((e) => e.node)).toEqual([
        { id: pendingOnChannel2.publicId, amount: 500, channel: { name: channelNames.get('2') }, lastDelivery: null },
        { id: pendingOnChannel1.publicId, amount: 12_345, channel: { name: channelNames.get('1') }, lastDelivery: null },
      ]);
    }
  });

  it('shows the last callback delivery with every attempt for paid orders', async () => {
    const reply = await server.gql<DashboardData>(shop.dashboardToken, SPEC_QUERY, { id: String(shop.merchant.id), status: 'PAID' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.merchant.orders.edges.map((e) => e.node)).toEqual([
      {
        id: paid.order.publicId,
        amount: 20_000,
        channel: { name: channelNames.get('3') },
        lastDelivery: { attempts: [{ status: 'FAILED' }, { status: 'SUCCEEDED' }] },
      },
    ]);
  });

  it('resolves the merchant of an order from the merchants subgraph (orders → merchants)', async () => {
    const reply = await server.gql<{ payInOrder: { merchant: { name: string; pid: string }; status: string; callbackDeliveries: Array<{ status: string; attemptCount: number }> } }>(
      TEST_ADMIN_TOKEN,
      `query($id: ID!) { payInOrder(id: $id) { status merchant { name pid } callbackDeliveries { status attemptCount } } }`,
      { id: paid.order.publicId },
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data!.payInOrder).toEqual({
      status: 'PAID',
      merchant: { name: 'Cross Subgraph Shop', pid: shop.pid },
      callbackDeliveries: [{ status: 'DELIVERED', attemptCount: 2 }],
    });
  });
});
