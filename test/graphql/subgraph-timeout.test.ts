import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../core/config.js';
import { onPostgres, setupTestCore } from '../support/core.js';
import { errorCodes, graphqlPost, graphqlTestEnv, startGraphRole, TEST_ADMIN_TOKEN } from '../support/graphql.js';

const core = await setupTestCore({ ...graphqlTestEnv, SUBGRAPH_TIMEOUT_MS: '200' });
const merchants = await startGraphRole(core, 'subgraph-merchants');

/** Stands in for the orders and configs roles: accepts every call and never answers it. */
let swallowed = 0;
const silent = http.createServer(() => swallowed++);
silent.listen(0, '127.0.0.1');
await once(silent, 'listening');
const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/graphql`;

const gateway = await startGraphRole(
  { ...core, config: { ...core.config, SUBGRAPH_MERCHANTS_URL: merchants.url, SUBGRAPH_ORDERS_URL: silentUrl, SUBGRAPH_CONFIGS_URL: silentUrl } },
  'gateway',
);
afterAll(async () => {
  await gateway.close();
  await merchants.close();
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

describe(`the gateway role over a subgraph that never answers (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  // Far above the 200 ms configured, far below the 10 s default: fails if the setting is not wired through.
  it('answers its fields UNAVAILABLE once SUBGRAPH_TIMEOUT_MS is up, while the other subgraphs keep answering', { timeout: 5_000 }, async () => {
    const hung = await graphqlPost(gateway.url, TEST_ADMIN_TOKEN, '{ channels { id } }');
    expect(swallowed).toBe(1);
    expect([hung.status, errorCodes(hung), hung.data]).toEqual([200, ['UNAVAILABLE'], null]);
    expect(hung.errors![0]!.message).toBe('part of the graph is unavailable; try again shortly');

    const healthy = await graphqlPost<{ viewer: { role: string } }>(gateway.url, TEST_ADMIN_TOKEN, '{ viewer { role } }');
    expect(healthy.errors).toBeUndefined();
    expect(healthy.data!.viewer.role).toBe('ADMIN');
  });

  it('defaults SUBGRAPH_TIMEOUT_MS to 10 s and refuses less than 100 ms', () => {
    expect(loadConfig({}).SUBGRAPH_TIMEOUT_MS).toBe(10_000);
    expect(() => loadConfig({ SUBGRAPH_TIMEOUT_MS: '99' })).toThrow(ConfigError);
  });
});
