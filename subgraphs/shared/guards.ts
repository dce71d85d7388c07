import type { SubgraphContext } from './context.js';
import { ErrorCode, graphqlError } from './errors.js';
import type { Identity } from './identity.js';

/**
 * Access rules of the graph, applied inside each subgraph (never only at the gateway):
 * the admin sees everything; a merchant sees only its own merchant and what belongs to
 * it. Another merchant's object answers NOT_FOUND, exactly like a missing one, so ids
 * cannot be probed.
 */
export function requireIdentity(ctx: SubgraphContext): Identity {
  if (!ctx.identity) throw graphqlError(ErrorCode.Unauthenticated, 'authentication required');
  return ctx.identity;
}

export function requireAdmin(ctx: SubgraphContext): void {
  if (requireIdentity(ctx).kind !== 'admin') throw graphqlError(ErrorCode.Forbidden, 'only the admin may do this');
}

export function canSeeMerchant(identity: Identity, merchantId: number): boolean {
  return identity.kind === 'admin' || identity.merchantId === merchantId;
}

export function notFound(what: string): never {
  throw graphqlError(ErrorCode.NotFound, `${what} not found`);
}

/** Throws NOT_FOUND unless the caller may see this merchant's objects. */
export function requireMerchantAccess(ctx: SubgraphContext, merchantId: number, what = 'merchant'): void {
  if (!canSeeMerchant(requireIdentity(ctx), merchantId)) notFound(what);
}

/**
 * The merchant a list is restricted to: a merchant always sees only its own; the admin
 * sees the one asked for, or all when none is asked for (`undefined`).
 */
export function merchantScope(ctx: SubgraphContext, requested: number | undefined): number | undefined {
  const identity = requireIdentity(ctx);
  if (identity.kind === 'admin') return requested;
  if (requested !== undefined && requested !== identity.merchantId) notFound('merchant');
  return identity.merchantId;
}

/** A numeric database id from a GraphQL `ID`; anything else cannot name an object. */
export function numericId(raw: string | number, what: string): number {
  const text = String(raw);
  if (!/^[1-9][0-9]{0,15}$/.test(text) || !Number.isSafeInteger(Number(text))) notFound(what);
  return Number(text);
}
