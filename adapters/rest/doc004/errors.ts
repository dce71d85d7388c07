import { isCoreError, type CoreError } from '../../../core/services/errors.js';

/** The document's payout error table; the same codes answer the queries and prefix pay-in `errorMsg`. */
export type Doc004Code = 'invalid_data' | 'sign_error' | 'mrn_duplication' | 'insufficient_balance' | 'object_not_found';

/** A refusal in the dialect's vocabulary; the route group's error handler renders it in its envelope. */
export class Doc004Refusal extends Error {
  constructor(
    readonly code: Doc004Code | 'channel_unavailable' | 'not_found' | 'internal_error',
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = 'Doc004Refusal';
  }
}

export function refusalFromCore(e: CoreError): Doc004Refusal {
  switch (e.code) {
    case 'duplicate':
      return new Doc004Refusal('mrn_duplication', e.message);
    case 'insufficient_balance':
      return new Doc004Refusal('insufficient_balance', 'insufficient merchant balance');
    case 'not_found':
    case 'forbidden':
      return new Doc004Refusal('object_not_found', e.message);
    case 'unauthenticated':
      return new Doc004Refusal('sign_error', e.message);
    case 'unavailable':
      return new Doc004Refusal('channel_unavailable', e.message);
    default:
      return new Doc004Refusal('invalid_data', e.message);
  }
}

/**
 * Turns anything a route threw into a refusal: dialect refusals as they are, core errors by
 * code, Fastify's own client errors (unparseable JSON, wrong content type, body too large)
 * as `invalid_data`, and the rest as an internal error (logged by the caller, never detailed).
 */
export function toRefusal(err: unknown): Doc004Refusal {
  if (err instanceof Doc004Refusal) return err;
  if (isCoreError(err)) return refusalFromCore(err);
  const status = (err as { statusCode?: number }).statusCode;
  if (status && status >= 400 && status < 500) return new Doc004Refusal('invalid_data', `invalid request: ${(err as Error).message}`);
  return new Doc004Refusal('internal_error', 'internal error', 500);
}
