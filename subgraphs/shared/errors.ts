import { GraphQLError } from 'graphql';
import { isCoreError, type CoreErrorCode } from '../../core/services/errors.js';
import { MoneyFormatError } from '../../core/money/fen.js';

/**
 * The `extensions.code` values clients can rely on. Frontends switch on these, never on
 * messages. Apollo's own request-level codes (GRAPHQL_PARSE_FAILED,
 * GRAPHQL_VALIDATION_FAILED, BAD_REQUEST, PERSISTED_QUERY_*) pass through unchanged.
 */
export const ErrorCode = {
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  BadUserInput: 'BAD_USER_INPUT',
  Conflict: 'CONFLICT',
  InsufficientBalance: 'INSUFFICIENT_BALANCE',
  Unavailable: 'UNAVAILABLE',
  QueryTooDeep: 'QUERY_TOO_DEEP',
  QueryTooCostly: 'QUERY_TOO_COSTLY',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const stableErrorCodes: ReadonlySet<string> = new Set<string>(Object.values(ErrorCode));

/** An error with a stable code; `field` names the input at fault (forms highlight it). */
export function graphqlError(code: ErrorCode, message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(field ? { field } : {}) } });
}

/**
 * An error that ends the whole request before anything runs (authentication, limits),
 * with the HTTP status Apollo Server should answer with. Field errors stay HTTP 200.
 */
export function requestError(code: ErrorCode, message: string, status: 400 | 401 | 403): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

const fromCore: Record<CoreErrorCode, ErrorCode> = {
  invalid_input: ErrorCode.BadUserInput,
  not_found: ErrorCode.NotFound,
  duplicate: ErrorCode.Conflict,
  conflict: ErrorCode.Conflict,
  insufficient_balance: ErrorCode.InsufficientBalance,
  unauthenticated: ErrorCode.Unauthenticated,
  forbidden: ErrorCode.Forbidden,
  unavailable: ErrorCode.Unavailable,
};

/**
 * Turns whatever a resolver threw into a GraphQL error with a stable code. Business
 * errors keep their message (it was written for the caller); anything else is an
 * internal error whose details stay in the log, never in the answer.
 */
export function toGraphQLError(e: unknown, log: (err: unknown) => void = () => undefined): GraphQLError {
  if (e instanceof GraphQLError && typeof e.extensions?.code === 'string') return e;
  if (isCoreError(e)) {
    const field = e.details?.field;
    return graphqlError(fromCore[e.code], e.message, typeof field === 'string' ? field : undefined);
  }
  if (e instanceof MoneyFormatError) return graphqlError(ErrorCode.BadUserInput, e.message);
  log(e);
  return graphqlError(ErrorCode.Internal, 'internal error');
}
