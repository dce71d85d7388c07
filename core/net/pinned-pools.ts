import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { pinnedLookup, type ResolvedAddress } from './ssrf-guard.js';

/** Shorter than the 5 s idle timeout of Node's and most servers: we close an idle socket before they do. */
const IDLE_MS = 4000;
/** Idle sockets one target keeps; more than a process's concurrent callbacks, so sockets are not churned. */
const FREE_SOCKETS_PER_POOL = 256;

/**
 * Kept-alive connections to callback targets, one pool per exact (protocol, pinned address,
 * port, host name) tuple. A request asks for its pool only after its own resolution and
 * check produced that tuple, so a socket is reused only for the address that was just
 * checked for this request, and never for another host name (TLS servername, Host
 * header). The pool's own `lookup` answers the pinned address, so even a socket it opens
 * for some other reason can only go there.
 */
export class PinnedPools {
  private readonly pools = new Map<string, HttpAgent>();

  constructor(
    /** Pools kept at once; past this an idle one is dropped, or the request is not pooled. */
    private readonly maxPools = 256,
  ) {}

  /** The pool for this checked target, or null when every pool is busy and none may be added. */
  poolFor(url: URL, pinned: ResolvedAddress): HttpAgent | null {
    const secure = url.protocol === 'https:';
    const port = url.port || (secure ? '443' : '80');
    const key = `${url.protocol}//${url.hostname}:${port}@${pinned.address}`;
    const known = this.pools.get(key);
    if (known) return known;
    if (this.pools.size >= this.maxPools && !this.dropIdlePools()) return null;
    const options = { keepAlive: true, timeout: IDLE_MS, maxFreeSockets: FREE_SOCKETS_PER_POOL, lookup: pinnedLookup(pinned) };
    const pool = secure ? new HttpsAgent(options) : new HttpAgent(options);
    this.pools.set(key, pool);
    return pool;
  }

  /** How many pools exist (tests). */
  get size(): number {
    return this.pools.size;
  }

  /** Closes every kept socket (tests, shutdown). */
  destroy(): void {
    for (const pool of this.pools.values()) pool.destroy();
    this.pools.clear();
  }

  private dropIdlePools(): boolean {
    let dropped = false;
    for (const [key, pool] of this.pools) {
      if (isEmpty(pool.sockets) && isEmpty(pool.freeSockets) && isEmpty(pool.requests)) {
        pool.destroy();
        this.pools.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }
}

function isEmpty(byName: NodeJS.ReadOnlyDict<unknown[]>): boolean {
  return Object.values(byName).every((list) => !list || list.length === 0);
}
