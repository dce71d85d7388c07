import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode, stableErrorCodes } from '../subgraphs/shared/errors.js';

/** Apollo's request-level codes, passed to clients unchanged. */
const apolloCodes = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * What leaves the gateway: a stable `extensions.code` (plus `field` for bad input) and
 * the message; internals (stack traces, SQL, the subgraph's name) never do. An error
 * without a known code is logged and answered as INTERNAL_SERVER_ERROR "internal error".
 */
export function maskUnexpectedErrors(log: Logger): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    const known = typeof code === 'string' && code !== ErrorCode.Internal && (stableErrorCodes.has(code) || apolloCodes.has(code));
    if (!known && unreachable(error)) {
      log.warn({ err: error }, 'a subgraph could not be reached');
      return { message: 'part of the graph is unavailable; try again shortly', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: ErrorCode.Unavailable } };
    }
    if (!known) {
      log.error({ err: error, code }, 'unexpected GraphQL error');
      return { message: 'internal error', ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: ErrorCode.Internal } };
    }
    const field = formatted.extensions?.field;
    return {
      message: formatted.message,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code, ...(typeof field === 'string' ? { field } : {}) },
    };
  };
}

/** True for a transport failure between the gateway and a subgraph role: SubgraphClient's FetchError (refused, dropped, or over SUBGRAPH_TIMEOUT_MS) or a caller's abort. */
function unreachable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = (e as { originalError?: unknown }).originalError, depth++) {
    if (e.name === 'FetchError' || e.name === 'AbortError') return true;
  }
  return false;
}
