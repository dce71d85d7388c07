import type { MiddlewareFn } from 'type-graphql';
import type { SubgraphContext } from './context.js';
import { ErrorCode, graphqlError, toGraphQLError } from './errors.js';

/**
 * Runs around every field of a subgraph: a root field needs a caller (defence in depth:
 * each resolver checks access as well), and whatever a resolver throws leaves as a
 * GraphQL error with a stable `extensions.code`.
 */
export const guardAndMapErrors: MiddlewareFn<SubgraphContext> = async ({ context, info }, next) => {
  try {
    const root = info.parentType === info.schema.getQueryType() || info.parentType === info.schema.getMutationType();
    if (root && !context.identity) throw graphqlError(ErrorCode.Unauthenticated, 'authentication required');
    return await next();
  } catch (e) {
    throw toGraphQLError(e, (err) => context.logError(err));
  }
};
