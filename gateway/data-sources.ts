import apolloGateway, { type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { graphql } from 'graphql';
import type { Core } from '../core/core.js';
import type { SubgraphDefinition } from '../subgraphs/shared/build-subgraph.js';
import { createSubgraphContext } from '../subgraphs/shared/context.js';
import { encodeIdentity, IDENTITY_HEADER, SUBGRAPH_SECRET_HEADER, type Identity } from '../subgraphs/shared/identity.js';

/** The gateway's per-request context: who is calling (see authenticate.ts). */
// @apollo/gateway is CommonJS and re-exports its data sources in a way Node's ESM loader
// cannot see as named exports, so the class is taken from the module object.
const { RemoteGraphQLDataSource } = apolloGateway;

/** GraphQLDataSourceRequestKind.INCOMING_OPERATION (an enum the package does not export). */
const INCOMING_OPERATION = 'incoming operation';

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface GatewayContext {
  identity: Identity;
}

function callerOf(options: GraphQLDataSourceProcessOptions<GatewayContext>): Identity | null {
  // Health checks and schema loading carry no caller, hence no identity.
  if ((options.kind as string) !== INCOMING_OPERATION) return null;
  return (options.context as Partial<GatewayContext>).identity ?? null;
}

/**
 * A subgraph in the same process: the gateway's fetch runs on the subgraph schema in
 * memory (no HTTP hop, nothing to authenticate), with a fresh subgraph context (its own
 * EntityManager fork) carrying the caller's identity.
 */
export class InProcessSubgraph implements GraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: SubgraphDefinition,
    private readonly core: Core,
    private readonly logError: (err: unknown) => void,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const result = await graphql({
      schema: this.subgraph.schema,
      source: request.query ?? '',
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: createSubgraphContext(this.core, callerOf(options), this.logError),
    });
    return result as GatewayGraphQLResponse;
  }
}

/**
 * A subgraph running as its own role: plain HTTP, with the shared secret that proves the
 * call comes through the gateway and the caller's identity the subgraph decides access by.
 */
export class ForwardingSubgraph extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, private readonly secret: string) {
    super({ url });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    headers.set(SUBGRAPH_SECRET_HEADER, this.secret);
    const identity = callerOf(options);
    if (identity) headers.set(IDENTITY_HEADER, encodeIdentity(identity));
  }
}
