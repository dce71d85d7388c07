import { afterAll, describe, expect, it } from 'vitest';
import { Merchant, type PayInOrder } from '../../core/entities/index.js';
import { onPostgres, setupTestCore } from '../support/core.js';
import { createShop, openPayIn } from '../support/graph-fixtures.js';
import { errorCodes, graphqlTestEnv, startGraphqlServer, TEST_ADMIN_TOKEN } from '../support/graphql.js';

const core = await setupTestCore({ ...graphqlTestEnv, GRAPHQL_MAX_DEPTH: '10', GRAPHQL_MAX_COST: '5000' });
const server = await startGraphqlServer(core);
afterAll(() => server.close());

const shop = await createShop(core, 'Paging Shop');
const orders: PayInOrder[] = [];
for (const [amount, channelId] of [[100, 1], [200, 2], [300, 1], [400, 2], [500, 1]] as const) orders.push(await openPayIn(core, shop.merchant.id, amount, channelId));

const admin = <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>) => server.gql<T>(TEST_ADMIN_TOKEN, query, variables);

async function rawPost(body: string, headers: Record<string, string>): Promise<{ status: number; json: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } }> {
  const res = await fetch(server.url, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as never };
}

describe(`GraphQL requests: authentication, errors, pagination and limits (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('answers 401 UNAUTHENTICATED without a bearer token, with an unknown token or another scheme', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token-anyone-issued' }, { authorization: `Basic ${TEST_ADMIN_TOKEN}` }, { authorization: 'Bearer ' }];
    for (const headers of variants) {
      const res = await rawPost(JSON.stringify({ query: '{ viewer { role } }' }), { 'content-type': 'application/json', ...headers });
      expect(res.status).toBe(401);
      expect(res.json.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(res.json.data).toBeUndefined();
    }
    expect((await admin<{ viewer: { role: string } }>('{ viewer { role } }')).data!.viewer.role).toBe('ADMIN');
  });

  it('answers malformed requests in the GraphQL envelope with a stable code', async () => {
    const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const badJson = await rawPost('{"query": ', { 'content-type': 'application/json', ...auth });
    expect(badJson.status).toBe(400);
    expect(badJson.json.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_REQUEST']);
    const xml = await rawPost('<query/>', { 'content-type': 'application/xml', ...auth });
    expect([xml.status, xml.json.errors?.map((e) => e.extensions?.code)]).toEqual([415, ['BAD_REQUEST']]);
    const huge = await rawPost(JSON.stringify({ query: `{ viewer { role } } # ${'x'.repeat(1_100_000)}` }), { 'content-type': 'application/json', ...auth });
    expect([huge.status, huge.json.errors?.map((e) => e.extensions?.code)]).toEqual([413, ['BAD_REQUEST']]);
    const noQuery = await rawPost('{}', { 'content-type': 'application/json', ...auth });
    expect([noQuery.status, noQuery.json.errors?.map((e) => e.extensions?.code)]).toEqual([400, ['BAD_REQUEST']]);
    const parse = await server.gql(TEST_ADMIN_TOKEN, '{ viewer { role }');
    expect([parse.status, errorCodes(parse)]).toEqual([400, ['GRAPHQL_PARSE_FAILED']]);
    const unknownField = await server.gql(TEST_ADMIN_TOKEN, '{ viewer { password } }');
    expect([unknownField.status, errorCodes(unknownField)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    const badVariable = await server.gql(TEST_ADMIN_TOKEN, 'mutation($id: ID!, $min: Fen) { updateCollectionAccount(id: $id, input: { minAmount: $min }) { id } }', { id: '1', min: 1.5 });
    expect([badVariable.status, errorCodes(badVariable)]).toEqual([400, ['BAD_USER_INPUT']]);
    const badLiteral = await server.gql(TEST_ADMIN_TOKEN, 'mutation { updateCollectionAccount(id: "1", input: { minAmount: "100" }) { id } }');
    expect([badLiteral.status, errorCodes(badLiteral)]).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    const badDate = await server.gql(TEST_ADMIN_TOKEN, 'query($t: DateTimeISO) { payInOrders(createdAfter: $t) { totalCount } }', { t: 'yesterday' });
    expect([badDate.status, errorCodes(badDate)]).toEqual([400, ['BAD_USER_INPUT']]);
  });

  it('maps business errors to BAD_USER_INPUT (with the field), NOT_FOUND and CONFLICT', async () => {
    const badPayType = await admin(`mutation($m: ID!) { createCollectionAccount(input: { merchantId: $m, payType: "paypal", channelCode: "x", qrContent: "y" }) { id } }`, { m: String(shop.merchant.id) });
    expect(errorCodes(badPayType)).toEqual(['BAD_USER_INPUT']);
    expect(badPayType.errors![0]!.extensions!.field).toBe('payType');
    expect(errorCodes(await admin(`mutation { createMerchant(input: { name: "   " }) { pid } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await admin(`{ payInOrder(id: "pi_missing") { id } }`))).toEqual(['NOT_FOUND']);
    expect(errorCodes(await admin(`{ merchant(id: "not-a-number") { id } }`))).toEqual(['NOT_FOUND']);
    const dup = { m: String(shop.merchant.id) };
    const create = `mutation($m: ID!) { createCollectionAccount(input: { merchantId: $m, payType: "alipay", channelCode: "a", accountName: "same", qrContent: "q" }) { id } }`;
    expect((await admin(create, dup)).errors).toBeUndefined();
    expect(errorCodes(await admin(create, dup))).toEqual(['CONFLICT']);
  });

  it('refuses a NUL character in a variable (at any depth) or a string literal with BAD_USER_INPUT, writing nothing', async () => {
    // On PostgreSQL these reached a subgraph and failed there as INTERNAL_SERVER_ERROR.
    const merchants = await core.em().count(Merchant, {});
    const refusals = [
      await admin('query($id: ID!) { payInOrder(id: $id) { id } }', { id: `${orders[0]!.publicId}\u0000` }),
      await admin('query { payInOrder(id: "pi\\u0000x") { id } }'),
      await admin('mutation($input: CreateMerchantInput!) { createMerchant(input: $input) { pid } }', { input: { name: 'Nul\u0000Shop' } }),
    ];
    expect(refusals.map((r) => [r.status, errorCodes(r), r.errors?.[0]?.message])).toEqual([
      [400, ['BAD_USER_INPUT'], '$id must not contain the NUL character'],
      [400, ['BAD_USER_INPUT'], 'a string literal must not contain the NUL character'],
      [400, ['BAD_USER_INPUT'], '$input.name must not contain the NUL character'],
    ]);
    expect(await core.em().count(Merchant, {})).toBe(merchants);
  });

  it('pages newest first with opaque cursors, no row twice or missed, and a total', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const reply: Awaited<ReturnType<typeof admin<{ merchant: { orders: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: { id: string } }> } } }>>> = await admin(
        `query($m: ID!, $after: String) { merchant(id: $m) { orders(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`,
        { m: String(shop.merchant.id), after },
      );
      const page = reply.data!.merchant.orders;
      expect(page.totalCount).toBe(5);
      seen.push(...page.edges.map((e) => e.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(orders.map((o) => o.publicId).reverse());
    expect(errorCodes(await admin(`{ payInOrders(after: "bm90IGEgY3Vyc29y") { totalCount } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await admin(`{ payInOrders(first: 101) { totalCount } }`))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await admin(`{ payInOrders(first: 0) { totalCount } }`))).toEqual(['BAD_USER_INPUT']);
  });

  it('filters by status, channel and creation time', async () => {
    type Orders = { payInOrders: { edges: Array<{ node: { id: string; createdAt: string; channel: { id: string } } }> } };
    const all = (await admin<Orders>(`{ payInOrders(first: 100) { edges { node { id createdAt channel { id } } } } }`)).data!.payInOrders.edges.map((e) => e.node);
    const onChannel1 = await admin<Orders>(`{ payInOrders(channelId: "1", status: PENDING) { edges { node { id } } } }`);
    expect(onChannel1.data!.payInOrders.edges.map((e) => e.node.id)).toEqual(all.filter((o) => o.channel.id === '1').map((o) => o.id));
    expect((await admin<Orders>(`{ payInOrders(status: PAID) { edges { node { id } } } }`)).data!.payInOrders.edges).toEqual([]);
    const cut = all[2]!.createdAt;
    const before = await admin<Orders>(`query($t: DateTimeISO) { payInOrders(createdBefore: $t) { edges { node { id } } } }`, { t: cut });
    expect(before.data!.payInOrders.edges.map((e) => e.node.id)).toEqual(all.filter((o) => o.createdAt < cut).map((o) => o.id));
    const since = await admin<Orders>(`query($t: DateTimeISO) { payInOrders(createdAfter: $t) { edges { node { id } } } }`, { t: cut });
    expect(since.data!.payInOrders.edges.map((e) => e.node.id)).toEqual(all.filter((o) => o.createdAt >= cut).map((o) => o.id));
    expect(errorCodes(await admin(`{ payInOrders(channelId: "x") { totalCount } }`))).toEqual(['BAD_USER_INPUT']);
  });

  it('refuses an operation deeper than GRAPHQL_MAX_DEPTH with QUERY_TOO_DEEP, and allows one at the limit', async () => {
    // merchant > orders > edges > node > merchant > orders > edges > node > lastDelivery > attempts > status = 11
    const tooDeep = `query($m: ID!) { merchant(id: $m) { orders { edges { node { merchant { orders { edges { node { lastDelivery { attempts { status } } } } } } } } } } }`;
    const reply = await admin(tooDeep, { m: String(shop.merchant.id) });
    expect([reply.status, errorCodes(reply)]).toEqual([400, ['QUERY_TOO_DEEP']]);
    expect(reply.data).toBeUndefined();
    const atLimit = `query($m: ID!) { merchant(id: $m) { orders { edges { node { merchant { orders { edges { node { lastDelivery { status } } } } } } } } } }`;
    expect((await admin(atLimit, { m: String(shop.merchant.id) })).errors).toBeUndefined();
  });

  it('refuses an operation costlier than GRAPHQL_MAX_COST with QUERY_TOO_COSTLY, counting `first` from variables too', async () => {
    const nested = `query($n: Int!) { merchants(first: $n) { edges { node { orders(first: $n) { edges { node { lastDelivery { attempts { status } } } } } } } } }`;
    const costly = await admin(nested, { n: 100 });
    expect([costly.status, errorCodes(costly)]).toEqual([400, ['QUERY_TOO_COSTLY']]);
    const cheap = await admin(nested, { n: 5 });
    expect(cheap.errors).toBeUndefined();
  });

  it('reports every subgraph in /readyz', async () => {
    const res = await fetch(`${server.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checks: Record<string, string> }).checks).toMatchObject({ 'subgraph:merchants': 'ok', 'subgraph:orders': 'ok', 'subgraph:configs': 'ok' });
  });
});
