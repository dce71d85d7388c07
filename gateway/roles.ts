import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { buildHttpServer } from '../app/http.js';
import { ConfigError } from '../core/config.js';
import type { Core } from '../core/core.js';
import { subgraphNames, type SubgraphName } from '../subgraphs/shared/build-subgraph.js';
import { serveSubgraph } from '../subgraphs/shared/subgraph-server.js';
import { createGateway, type GraphqlGateway } from './gateway.js';
import { subgraphBuilders, subgraphUrl } from './subgraphs.js';

/** The roles that split the graph over processes (`all` runs the graph in memory instead). */
export const graphRoles = ['gateway', 'subgraph-merchants', 'subgraph-orders', 'subgraph-configs'] as const;
export type GraphRole = (typeof graphRoles)[number];

export function isGraphRole(role: string): role is GraphRole {
  return (graphRoles as readonly string[]).includes(role);
}

export interface GraphRoleServer {
  /** Built, not yet listening. */
  http: FastifyInstance;
  stop(): Promise<void>;
}

/** `all`: the gateway with every subgraph in this process (no HTTP between them). */
export function inProcessGateway(core: Core, log: Logger): Promise<GraphqlGateway> {
  return createGateway(core, log.child({ component: 'graphql' }), { kind: 'in-process' });
}

/**
 * The HTTP server of one graph role: `gateway` serves `/graphql` over subgraphs reached at
 * SUBGRAPH_<NAME>_URL; `subgraph-<name>` serves that subgraph at `/graphql` for the
 * gateway only. Both need SUBGRAPH_SECRET. Neither mounts the REST dialects.
 */
export async function buildGraphRoleServer(role: GraphRole, core: Core, log: Logger): Promise<GraphRoleServer> {
  const secret = core.config.SUBGRAPH_SECRET;
  if (!secret) throw new ConfigError(`invalid configuration: role ${role} needs SUBGRAPH_SECRET (the same value on the gateway and every subgraph)`);
  if (role === 'gateway') {
    const missing = subgraphNames.filter((name) => !subgraphUrl(core.config, name));
    if (missing.length) {
      throw new ConfigError(`invalid configuration: role gateway needs ${missing.map((n) => `SUBGRAPH_${n.toUpperCase()}_URL`).join(', ')}`);
    }
    const urls = Object.fromEntries(subgraphNames.map((name) => [name, subgraphUrl(core.config, name)!])) as Record<SubgraphName, string>;
    const gateway = await createGateway(core, log.child({ component: 'graphql' }), { kind: 'remote', urls, secret });
    const http = await buildHttpServer({ core, rest: false, readiness: gateway.readiness });
    await gateway.register(http);
    return { http, stop: () => gateway.stop() };
  }
  const name = role.slice('subgraph-'.length) as SubgraphName;
  const http = await buildHttpServer({ core, rest: false });
  const served = await serveSubgraph(http, core, await subgraphBuilders[name](), secret, log.child({ component: `subgraph-${name}` }));
  return { http, stop: () => served.stop() };
}
