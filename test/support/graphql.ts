import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildHttpServer } from '../../app/http.js';
import type { Core } from '../../core/core.js';
import { buildGraphRoleServer, inProcessGateway, type GraphRole } from '../../gateway/roles.js';
import { IDENTITY_HEADER, SUBGRAPH_SECRET_HEADER } from '../../subgraphs/shared/identity.js';

export const TEST_ADMIN_TOKEN = 'admin-token-for-graphql-tests-0123456789';
export const TEST_SUBGRAPH_SECRET = 'subgraph-secret-for-graphql-tests-0123456789';

/** Settings a GraphQL test core needs (pass to setupTestCore). */
export const graphqlTestEnv = { ADMIN_TOKEN: TEST_ADMIN_TOKEN, SUBGRAPH_SECRET: TEST_SUBGRAPH_SECRET };

export const silentLog = pino({ level: 'silent' });

export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string };
}

export interface GraphqlReply<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: GraphqlError[] | undefined;
  body: string;
}

/** POSTs one GraphQL operation with an optional bearer token. */
export async function graphqlPost<T = Record<string, unknown>>(
  url: string,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphqlReply<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.text();
  const json = JSON.parse(body) as { data?: T | null; errors?: GraphqlError[] };
  return { status: res.status, data: json.data, errors: json.errors, body };
}

export interface GraphqlServer {
  app: FastifyInstance;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  baseUrl: string;
  /** `${baseUrl}/graphql`. */
  url: string;
  gql<T = Record<string, unknown>>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphqlReply<T>>;
  close(): Promise<void>;
}

/** The real HTTP server (as role `all` builds it, without REST) with the in-process gateway, on 127.0.0.1:0. */
export async function startGraphqlServer(core: Core): Promise<GraphqlServer> {
  const gateway = await inProcessGateway(core, silentLog);
  const app = await buildHttpServer({ core, rest: false, readiness: gateway.readiness });
  await gateway.register(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    url: `${baseUrl}/graphql`,
    gql: (token, query, variables) => graphqlPost(`${baseUrl}/graphql`, token, query, variables),
    close: async () => {
      await app.close();
      await gateway.stop();
    },
  };
}

/** The codes of a reply's errors, in order. */
export function errorCodes(reply: GraphqlReply<unknown>): string[] {
  return (reply.errors ?? []).map((e) => e.extensions?.code ?? '?');
}

/** A graph role (`subgraph-*` or `gateway`) as its own HTTP server on 127.0.0.1:0. */
export async function startGraphRole(core: Core, role: GraphRole): Promise<{ url: string; baseUrl: string; close(): Promise<void> }> {
  const { http, stop } = await buildGraphRoleServer(role, core, silentLog);
  await http.listen({ port: 0, host: '127.0.0.1' });
  const { port } = http.server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    url: `${baseUrl}/graphql`,
    close: async () => {
      await http.close();
      await stop();
    },
  };
}

/** Headers the gateway sends a subgraph role: the shared secret and the caller's identity. */
export function asGateway(identity: string, secret = TEST_SUBGRAPH_SECRET): Record<string, string> {
  return { [SUBGRAPH_SECRET_HEADER]: secret, [IDENTITY_HEADER]: identity };
}
