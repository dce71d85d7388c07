import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { FastifyInstance } from 'fastify';
import { graphql } from 'graphql';
import type { Logger } from 'pino';
import type { ReadinessCheck } from '../app/http.js';
import type { Core } from '../core/core.js';
import { apolloRoute } from '../subgraphs/shared/apollo-fastify.js';
import { subgraphNames, type SubgraphName } from '../subgraphs/shared/build-subgraph.js';
import { createSubgraphContext } from '../subgraphs/shared/context.js';
import { SUBGRAPH_SECRET_HEADER } from '../subgraphs/shared/identity.js';
import { authenticate } from './authenticate.js';
import { ForwardingSubgraph, InProcessSubgraph, type GatewayContext } from './data-sources.js';
import { maskUnexpectedErrors } from './format-error.js';
import { refuseNulCharacters } from './nul-characters.js';
import { operationLimits } from './limits.js';
import { installScalarParsing } from './scalars.js';
import { buildAllSubgraphs } from './subgraphs.js';

export const SUPERGRAPH_PATH = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));

/** In one process (`all`): subgraphs in memory. Role `gateway`: subgraphs over HTTP. */
export type SubgraphPlacement = { kind: 'in-process' } | { kind: 'remote'; urls: Record<SubgraphName, string>; secret: string };

export interface GraphqlGateway {
  /** Readiness of every subgraph, for `/readyz`. */
  readiness: ReadinessCheck[];
  /** Mounts `/graphql` on the server (before it listens). */
  register(app: FastifyInstance): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The federated gateway: Apollo Gateway over the checked-in supergraph (`npm run compose`),
 * served by Apollo Server at `/graphql`. It authenticates the caller once, applies the
 * depth and cost limits, and forwards the identity to the subgraphs, which enforce access.
 */
export async function createGateway(core: Core, log: Logger, placement: SubgraphPlacement): Promise<GraphqlGateway> {
  const supergraphSdl = await readFile(SUPERGRAPH_PATH, 'utf8');
  const logError = (err: unknown) => log.error({ err }, 'resolver failed');
  const local = placement.kind === 'in-process' ? new Map((await buildAllSubgraphs()).map((s) => [s.name, s])) : null;

  const forwarding: ForwardingSubgraph[] = [];
  const dataSource = (name: SubgraphName): GraphQLDataSource<GatewayContext> => {
    if (placement.kind === 'in-process') return new InProcessSubgraph(local!.get(name)!, core, logError);
    const remote = new ForwardingSubgraph(placement.urls[name], placement.secret, core.config.SUBGRAPH_TIMEOUT_MS);
    forwarding.push(remote);
    return remote;
  };
  const gateway = new ApolloGateway({
    supergraphSdl,
    logger: log,
    buildService: ({ name }) => {
      if (!(subgraphNames as readonly string[]).includes(name)) throw new Error(`the supergraph names an unknown subgraph "${name}"`);
      return dataSource(name as SubgraphName);
    },
  });
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => installScalarParsing(apiSchema));
  const server = new ApolloServer<GatewayContext>({
    gateway,
    logger: log,
    includeStacktraceInErrorResponses: false,
    formatError: maskUnexpectedErrors(log),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      operationLimits<GatewayContext>({ maxDepth: core.config.GRAPHQL_MAX_DEPTH, maxCost: core.config.GRAPHQL_MAX_COST }),
      refuseNulCharacters<GatewayContext>(),
    ],
  });
  await server.start();

  const readiness: ReadinessCheck[] = subgraphNames.map((name) => ({
    name: `subgraph:${name}`,
    check: placement.kind === 'remote' ? () => probeRemote(placement.urls[name], placement.secret) : () => probeLocal(local!.get(name)!.schema, core),
  }));

  return {
    readiness,
    register: async (app) => {
      await app.register(
        apolloRoute<GatewayContext>({
          server,
          context: async (req) => ({ identity: await authenticate(core, req.headers.authorization) }),
        }),
      );
    },
    stop: async () => {
      await server.stop();
      for (const remote of forwarding) remote.close();
    },
  };
}

const HEALTH_QUERY = 'query __ApolloServiceHealthCheck__ { __typename }';

async function probeLocal(schema: Parameters<typeof graphql>[0]['schema'], core: Core): Promise<void> {
  const result = await graphql({ schema, source: HEALTH_QUERY, contextValue: createSubgraphContext(core, null, () => undefined) });
  if (result.errors?.length) throw new Error(result.errors[0]!.message);
}

async function probeRemote(url: string, secret: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SUBGRAPH_SECRET_HEADER]: secret },
    body: JSON.stringify({ query: HEALTH_QUERY }),
    signal: AbortSignal.timeout(1500),
  });
  const body = (await res.json().catch(() => null)) as { data?: { __typename?: string } } | null;
  if (!res.ok || body?.data?.__typename !== 'Query') throw new Error(`HTTP ${res.status}`);
}
