import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/config.js';
import { Channel } from '../../core/entities/index.js';
import { buildGraphRoleServer } from '../../gateway/roles.js';
import { onPostgres, setupTestCore } from '../support/core.js';
import { createShop, paidPayIn, recordAttempt } from '../support/graph-fixtures.js';
import { asGateway, errorCodes, graphqlPost, graphqlTestEnv, silentLog, startGraphRole, TEST_ADMIN_TOKEN } from '../support/graphql.js';

const core = await setupTestCore(graphqlTestEnv);
const merchants = await startGraphRole(core, 'subgraph-merchants');
const orders = await startGraphRole(core, 'subgraph-orders');
const configs = await startGraphRole(core, 'subgraph-configs');
const gatewayCore = {
  ...core,
  config: { ...core.config, SUBGRAPH_MERCHANTS_URL: merchants.url, SUBGRAPH_ORDERS_URL: orders.url, SUBGRAPH_CONFIGS_URL: configs.url },
};
const gateway = await startGraphRole(gatewayCore, 'gateway');
afterAll(async () => {
  await gateway.close();
  await Promise.all([merchants, orders, configs].map((r) => r.close().catch(() => undefined)));
});

const shop = await createShop(core, 'Distributed Shop');
const paid = await paidPayIn(core, shop.merchant.id, 4_200, 5);
await recordAttempt(core, paid.deliveryId, 1, { httpStatus: null, body: '' });

describe(`the graph split over roles: gateway and three subgraphs over HTTP (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('answers a query spanning all three subgraphs through the gateway role', async () => {
    const reply = await graphqlPost<{ merchant: { name: string; balance: number; orders: { edges: Array<{ node: { amount: number; channel: { id: string; name: string }; lastDelivery: { attempts: Array<{ status: string; httpStatus: number | null }> } } }> } } }>(
      gateway.url,
      shop.dashboardToken,
      `query($id: ID!) { merchant(id: $id) { name balance orders(first: 20, status: PAID) { edges { node { amount channel { id name } lastDelivery { attempts { status httpStatus } } } } } } }`,
      { id: String(shop.merchant.id) },
    );
    expect(reply.errors).toBeUndefined();
    const channel = await core.em().findOneOrFail(Channel, { id: 5 });
    expect(reply.data!.merchant).toEqual({
      name: 'Distributed Shop',
      balance: 4_200,
      orders: { edges: [{ node: { amount: 4_200, channel: { id: '5', name: channel.name }, lastDelivery: { attempts: [{ status: 'FAILED', httpStatus: null }] } } }] },
    });
  });

  it('enforces tenancy in the subgraphs behind the gateway role too', async () => {
    const other = await createShop(core, 'Other Distributed Shop');
    const reply = await graphqlPost(gateway.url, other.dashboardToken, `query($id: ID!) { payInOrder(id: $id) { amount } }`, { id: paid.order.publicId });
    expect(errorCodes(reply)).toEqual(['NOT_FOUND']);
    const forbidden = await graphqlPost(gateway.url, other.dashboardToken, `{ merchants { totalCount } }`);
    expect([forbidden.status, errorCodes(forbidden)]).toEqual([200, ['FORBIDDEN']]);
  });

  it('has each subgraph refuse calls that do not come through the gateway (no or wrong shared secret)', async () => {
    for (const role of [merchants, orders, configs]) {
      for (const headers of [{}, asGateway('admin', 'wrong-secret-of-the-same-length-0123456789ab'), asGateway('admin', 'short'), { authorization: `Bearer ${TEST_ADMIN_TOKEN}` }]) {
        const reply = await graphqlPost(role.url, null, '{ __typename }', undefined, headers);
        expect(reply.status).toBe(401);
        expect(errorCodes(reply)).toEqual(['UNAUTHENTICATED']);
        expect(reply.data).toBeUndefined();
      }
    }
  });

  it('lets the secret alone reach only __typename: every field needs the identity the gateway forwards', async () => {
    const bare = await graphqlPost(merchants.url, null, '{ __typename viewer { role } }', undefined, asGateway(''));
    expect(errorCodes(bare)).toEqual(['UNAUTHENTICATED']);
    const admin = await graphqlPost<{ viewer: { role: string } }>(merchants.url, null, '{ viewer { role } }', undefined, asGateway('admin'));
    expect(admin.data!.viewer.role).toBe('ADMIN');
  });

  it('reports subgraph health in /readyz of the gateway role; a stopped subgraph makes it not ready and its fields UNAVAILABLE', async () => {
    const ready = await fetch(`${gateway.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({ 'subgraph:merchants': 'ok', 'subgraph:orders': 'ok', 'subgraph:configs': 'ok' });
    await configs.close();
    const down = await fetch(`${gateway.baseUrl}/readyz`);
    expect(down.status).toBe(503);
    const checks = ((await down.json()) as { checks: Record<string, string> }).checks;
    expect(checks['subgraph:configs']).toMatch(/^down/);
    expect(checks['subgraph:orders']).toBe('ok');
    // A query needing the stopped subgraph says so with a stable code, not an internal error.
    const reply = await graphqlPost(gateway.url, TEST_ADMIN_TOKEN, '{ channels { id } }');
    expect(errorCodes(reply)).toEqual(['UNAVAILABLE']);
  });

  it('refuses to start a graph role without SUBGRAPH_SECRET, or the gateway role without subgraph URLs', async () => {
    await expect(buildGraphRoleServer('subgraph-orders', { ...core, config: { ...core.config, SUBGRAPH_SECRET: undefined } }, silentLog)).rejects.toThrow(ConfigError);
    await expect(buildGraphRoleServer('gateway', core, silentLog)).rejects.toThrow(/SUBGRAPH_MERCHANTS_URL, SUBGRAPH_ORDERS_URL, SUBGRAPH_CONFIGS_URL/);
  });
});
