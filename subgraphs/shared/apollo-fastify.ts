import { Readable } from 'node:stream';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ErrorCode } from './errors.js';

export interface GateRefusal {
  status: number;
  code: string;
  message: string;
}

export interface ApolloRouteOptions<TContext extends BaseContext> {
  server: ApolloServer<TContext>;
  /** Builds the operation context; a GraphQLError thrown here answers with its code and HTTP status. */
  context(req: FastifyRequest): Promise<TContext>;
  /** Runs before Apollo sees the request; a refusal is answered as is (the subgraph secret check). */
  gate?(req: FastifyRequest): GateRefusal | null;
  path?: string;
}

/** A GraphQL-shaped error body, for what fails before Apollo can answer (bad JSON, bad secret). */
export function graphqlErrorBody(message: string, code: string): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

/**
 * Serves an ApolloServer on Fastify as an encapsulated plugin (Apollo's own HTTP handler:
 * CSRF prevention, GET/POST rules, status codes). Its error handler keeps Fastify's
 * default body from ever answering a GraphQL client: a malformed JSON body gets a GraphQL
 * error envelope with code BAD_REQUEST.
 */
export function apolloRoute<TContext extends BaseContext>(opts: ApolloRouteOptions<TContext>): FastifyPluginAsync {
  return async (app) => {
    app.setErrorHandler((err: { statusCode?: number; message: string }, req, reply) => {
      const clientError = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500;
      if (!clientError) req.log.error({ err }, 'graphql transport error');
      return reply
        .code(clientError ? err.statusCode! : 500)
        .type('application/json; charset=utf-8')
        .send(graphqlErrorBody(clientError ? err.message : 'internal error', clientError ? 'BAD_REQUEST' : ErrorCode.Internal));
    });

    app.route({
      method: ['GET', 'POST'],
      url: opts.path ?? '/graphql',
      handler: async (req, reply) => {
        const refusal = opts.gate?.(req);
        if (refusal) {
          return reply.code(refusal.status).type('application/json; charset=utf-8').send(graphqlErrorBody(refusal.message, refusal.code));
        }
        const headers = new HeaderMap();
        for (const [name, value] of Object.entries(req.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const response = await opts.server.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: new URL(req.url, 'http://local').search, body: req.body },
          context: () => opts.context(req),
        });
        for (const [name, value] of response.headers) void reply.header(name, value);
        void reply.code(response.status ?? 200);
        if (response.body.kind === 'complete') return reply.send(response.body.string);
        return reply.send(Readable.from(response.body.asyncIterator));
      },
    });
  };
}
