import { lookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { classifyAddress, type AddressClass } from './ip-address.js';

/**
 * Callback URLs come from merchants and operators, so a callback must not become a way
 * to reach paymesh's own network (admin ports, Redis, cloud metadata). The host is
 * resolved once, every address is checked, and the request is then pinned to the checked
 * address: a DNS answer that changes between check and connect (rebinding) cannot
 * redirect it.
 */
export interface TargetPolicy {
  /** Loopback and private networks (tests, development, a receiver on the same LAN). */
  allowLoopbackAndPrivate: boolean;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address; the system resolver by default. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) => {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export interface CallbackTarget {
  url: URL;
  /** The checked address every connection of this request must use. */
  pinned: ResolvedAddress;
}

/** A callback URL paymesh will not call; the message is recorded on the attempt. */
export class CallbackTargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CallbackTargetRefused';
  }
}

const alwaysRefused: ReadonlySet<AddressClass> = new Set(['link_local', 'unspecified', 'multicast', 'broadcast', 'documentation', 'reserved']);

export function isAddressClassAllowed(cls: AddressClass, policy: TargetPolicy): boolean {
  if (cls === 'public') return true;
  if (alwaysRefused.has(cls)) return false;
  return policy.allowLoopbackAndPrivate;
}

/** URL.hostname keeps IPv6 brackets; resolvers and classifiers want them off. */
function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * A callback URL parsed and checked without the network: the target itself when its host is
 * a literal address, else the name still to resolve (resolveCheckedName).
 */
export type CheckedCallbackUrl = CallbackTarget | { url: URL; name: string };

/** The URL parsed and checked once, or what is wrong with it. */
function inspectUrl(raw: string, policy: TargetPolicy): CheckedCallbackUrl | string {
  const url = URL.parse(raw);
  if (!url) return 'not a valid absolute URL';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `scheme ${url.protocol.replace(':', '')} is not http or https`;
  const host = bareHost(url);
  const cls = classifyAddress(host);
  if (cls === null) return { url, name: host };
  if (!isAddressClassAllowed(cls, policy)) return `${host} is a ${cls.replace('_', '-')} address`;
  return { url, pinned: { address: host, family: host.includes(':') ? 6 : 4 } };
}

/**
 * What is wrong with a callback URL without touching the network (scheme, syntax, a
 * literal address the policy refuses); null when it may be tried. Adapters use it to
 * refuse a bad `callbackUrl` when the order is placed rather than at delivery time.
 */
export function callbackUrlProblem(raw: string, policy: TargetPolicy): string | null {
  const inspected = inspectUrl(raw, policy);
  return typeof inspected === 'string' ? inspected : null;
}

/**
 * The URL checked without the network; throws CallbackTargetRefused like
 * resolveCallbackTarget. A callback to a literal address (receivers on a LAN, tests) then
 * costs no promise; a name goes on to resolveCheckedName.
 */
export function checkCallbackUrl(raw: string, policy: TargetPolicy): CheckedCallbackUrl {
  const inspected = inspectUrl(raw, policy);
  if (typeof inspected === 'string') throw new CallbackTargetRefused(`refused: ${inspected}`);
  return inspected;
}

/** Resolves a checked URL's host name and checks every address it resolves to. */
export async function resolveCheckedName(checked: { url: URL; name: string }, policy: TargetPolicy, resolve: HostResolver = systemResolver): Promise<CallbackTarget> {
  const host = checked.name;
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(host);
  } catch (e) {
    throw new CallbackTargetRefused(`cannot resolve ${host}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (addresses.length === 0) throw new CallbackTargetRefused(`cannot resolve ${host}: no address`);
  // Every answer must pass: a name that resolves to one public and one private address
  // is refused, since which one a client would use is not ours to predict.
  for (const a of addresses) {
    const cls = classifyAddress(a.address);
    if (cls === null || !isAddressClassAllowed(cls, policy)) {
      throw new CallbackTargetRefused(`refused: ${host} resolves to ${a.address} (${cls?.replace('_', '-') ?? 'not an IP'})`);
    }
  }
  return { url: checked.url, pinned: addresses[0]! };
}

/** Parses, resolves and checks a callback URL; throws CallbackTargetRefused when it may not be called. */
export async function resolveCallbackTarget(raw: string, policy: TargetPolicy, resolve: HostResolver = systemResolver): Promise<CallbackTarget> {
  const checked = checkCallbackUrl(raw, policy);
  return 'pinned' in checked ? checked : resolveCheckedName(checked, policy, resolve);
}

/** A `lookup` for http(s).request that always answers the checked address (no second DNS query). */
export function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}
