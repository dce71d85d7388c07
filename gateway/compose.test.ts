import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeSupergraph } from './compose.js';
import { SUPERGRAPH_PATH } from './gateway.js';
import { buildAllSubgraphs, placeholderUrl } from './subgraphs.js';

describe('supergraph composition', () => {
  it('composes the three subgraphs into exactly the checked-in gateway/supergraph.graphql', async () => {
    const composed = await composeSupergraph();
    const checkedIn = await readFile(SUPERGRAPH_PATH, 'utf8');
    // On failure: run `npm run compose` and commit the file.
    expect(checkedIn).toBe(composed);
  });

  it('joins Merchant, Channel and CollectionAccount across the subgraphs that add to them, by key', async () => {
    const supergraph = await composeSupergraph();
    const joins = (type: string) => /type (\w+)\s+((?:@join__type\([^)]*\)\s*)+)/g.exec(supergraph.slice(supergraph.indexOf(`type ${type}\n`)))?.[2] ?? '';
    expect(joins('Merchant')).toContain('@join__type(graph: MERCHANTS, key: "id")');
    expect(joins('Merchant')).toContain('@join__type(graph: ORDERS, key: "id")');
    expect(joins('Merchant')).toContain('@join__type(graph: CONFIGS, key: "id")');
    expect(joins('Channel')).toContain('@join__type(graph: CONFIGS, key: "id")');
    expect(joins('Channel')).toContain('@join__type(graph: ORDERS, key: "id", resolvable: false)');
    expect(joins('CollectionAccount')).toContain('@join__type(graph: ORDERS, key: "id", resolvable: false)');
    expect(supergraph).toMatch(/orders\([^)]*\): PayInOrderConnection! @join__field\(graph: ORDERS\)/);
  });

  it('fails to compose when a subgraph contributes a conflicting field (the check is real)', async () => {
    const subgraphs = await buildAllSubgraphs();
    const clash = parse('extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) type Query { viewer: Int }');
    const result = composeServices([
      ...subgraphs.map((s) => ({ name: s.name, typeDefs: s.typeDefs, url: placeholderUrl(s.name) })),
      { name: 'clash', typeDefs: clash, url: placeholderUrl('configs') },
    ]);
    expect(result.errors?.map((e) => e.message).join('\n')).toMatch(/viewer/);
  });
});
