/**
 * Who is calling the graph. The gateway works it out from the bearer token once per
 * request and hands it to every subgraph (in memory in one process, as a header behind
 * the shared secret when subgraphs run as their own roles); subgraphs decide access
 * from it alone.
 */
export type Identity = { kind: 'admin' } | { kind: 'merchant'; merchantId: number };

/** The header carrying the caller's identity from the gateway to a subgraph. */
export const IDENTITY_HEADER = 'x-subgraph-identity';
/** The header carrying SUBGRAPH_SECRET from the gateway to a subgraph. */
export const SUBGRAPH_SECRET_HEADER = 'x-subgraph-secret';

export const ADMIN: Identity = { kind: 'admin' };

export function merchantIdentity(merchantId: number): Identity {
  return { kind: 'merchant', merchantId };
}

/** The audit `actor` of an identity: `admin` or `merchant:<id>`. */
export function actorOf(identity: Identity): string {
  return identity.kind === 'admin' ? 'admin' : `merchant:${identity.merchantId}`;
}

/** Header form of an identity; the same text as its audit actor. */
export function encodeIdentity(identity: Identity): string {
  return actorOf(identity);
}

/** Parses the identity header; anything malformed is `null` (the caller is then nobody). */
export function decodeIdentity(header: string | undefined): Identity | null {
  if (header === 'admin') return ADMIN;
  const m = /^merchant:([1-9][0-9]{0,15})$/.exec(header ?? '');
  if (!m) return null;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) ? merchantIdentity(id) : null;
}
