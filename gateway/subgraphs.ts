import type { Config } from '../core/config.js';
import { buildConfigsSubgraph } from '../subgraphs/configs/schema.js';
import { buildMerchantsSubgraph } from '../subgraphs/merchants/schema.js';
import { buildOrdersSubgraph } from '../subgraphs/orders/schema.js';
import { subgraphNames, type SubgraphDefinition, type SubgraphName } from '../subgraphs/shared/build-subgraph.js';

/** How each subgraph is built. Adding a subgraph is one line here (and `npm run compose`). */
export const subgraphBuilders: Record<SubgraphName, () => Promise<SubgraphDefinition>> = {
  merchants: buildMerchantsSubgraph,
  orders: buildOrdersSubgraph,
  configs: buildConfigsSubgraph,
};

let built: Promise<SubgraphDefinition[]> | null = null;

/** Every subgraph, built once per process (the schemas hold no per-request state). */
export function buildAllSubgraphs(): Promise<SubgraphDefinition[]> {
  built ??= Promise.all(subgraphNames.map((name) => subgraphBuilders[name]()));
  return built;
}

/** Where a separately running subgraph listens, from SUBGRAPH_<NAME>_URL. */
export function subgraphUrl(config: Config, name: SubgraphName): string | undefined {
  const urls: Record<SubgraphName, string | undefined> = {
    merchants: config.SUBGRAPH_MERCHANTS_URL,
    orders: config.SUBGRAPH_ORDERS_URL,
    configs: config.SUBGRAPH_CONFIGS_URL,
  };
  return urls[name];
}

/**
 * The address written into the checked-in supergraph. It is never dialled: in one process
 * subgraphs run in memory, and the `gateway` role dials SUBGRAPH_<NAME>_URL.
 */
export function placeholderUrl(name: SubgraphName): string {
  return `http://subgraph-${name}.invalid/graphql`;
}
