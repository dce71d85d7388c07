import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Core } from '../../core/core.js';
import { apolloRoute } from './apollo-fastify.js';
import type { SubgraphDefinition } from './build-subgraph.js';
import { createSubgraphContext, type SubgraphContext } from './context.js';
import { ErrorCode } from './errors.js';
import { decodeIdentity, IDENTITY_HEADER, SUBGRAPH_SECRET_HEADER } from './identity.js';
import { secretsEqual } from './secret.js';

export interface ServedSubgraph {
  server: ApolloServer<SubgraphContext>;
  stop(): Promise<void>;
}

/**
 * Serves one subgraph on its own role's HTTP server at `/graphql`. Only the gateway may
 * call it: a request without SUBGRAPH_SECRET (compared in constant time) is refused with
 * 401 before any GraphQL runs, and the caller's identity is taken from the gateway's
 * header, never from a bearer token.
 */
export async function serveSubgraph(app: FastifyInstance, core: Core, subgraph: SubgraphDefinition, secret: string, log: Logger): Promise<ServedSubgraph> {
  const server = new ApolloServer<SubgraphContext>({
    schema: subgraph.schema,
    logger: log,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
  });
  await server.start();
  await app.register(
    apolloRoute<SubgraphContext>({
      server,
      gate: (req) => {
        const presented = req.headers[SUBGRAPH_SECRET_HEADER];
        if (secretsEqual(secret, typeof presented === 'string' ? presented : undefined)) return null;
        return { status: 401, code: ErrorCode.Unauthenticated, message: 'this subgraph only answers the gateway' };
      },
      context: async (req) => {
        const header = req.headers[IDENTITY_HEADER];
        return createSubgraphContext(core, decodeIdentity(typeof header === 'string' ? header : undefined), (err) =>
          log.error({ err, subgraph: subgraph.name }, 'resolver failed'),
        );
      },
    }),
  );
  return { server, stop: () => server.stop() };
}
