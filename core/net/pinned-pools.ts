import { Pool } from 'undici';
import { pinnedLookup, type ResolvedAddress } from './ssrf-guard.js';

/** Shorter than the 5 s idle timeout of Node's and most servers: we close an idle socket before they do. */
const IDLE_MS = 4000;

/**
 * Kept-alive connections to callback targets, one pool per exact (protocol, pinned address,
 * port, host name) tuple. A request asks for its pool only after its own resolution and
 * check produced that tuple, so a socket is reused only for the address that was just
 * checked for this request, and never for another host name (TLS servername, Host
 * header). The pool's own `lookup` answers the pinned address, so even a socket it opens
 * for some other reason can only go there.
 *
 * The pools are undici's, not `node:http` agents: a callback cost Node's HTTP client ~80 µs
 * of CPU against undici's ~33 µs (bench/FINDINGS.md, section 4), and the process that makes
 * the callbacks is the one that settles the orders.
 */
export class PinnedPools {
  private readonly pools = new Map<string, Pool>();

  constructor(
    /** Pools kept at once; past this an idle one is dropped, or the request is not pooled. */
    private readonly maxPools = 256,
  ) {}

  /** The pool for this checked target, or null when every pool is busy and none may be added. */
  poolFor(url: URL, pinned: ResolvedAddress): Pool | null {
    const key = `${url.protocol}//${url.host}@${pinned.address}`;
    const known = this.pools.get(key);
    if (known) return known;
    if (this.pools.size >= this.maxPools && !this.dropIdlePools()) return null;
    const pool = oneTargetPool(url, pinned, IDLE_MS);
    this.pools.set(key, pool);
    return pool;
  }

  /** How many pools exist (tests). */
  get size(): number {
    return this.pools.size;
  }

  /** Closes every kept socket (tests, shutdown). */
  destroy(): void {
    for (const pool of this.pools.values()) void pool.destroy();
    this.pools.clear();
  }

  private dropIdlePools(): boolean {
    let dropped = false;
    for (const [key, pool] of this.pools) {
      const { running, pending, queued } = pool.stats;
      if (running + pending + queued === 0) {
        void pool.destroy();
        this.pools.delete(key);
        dropped = true;
      }
    }
    return dropped;
  }
}

/**
 * Connections to one checked target: the origin's host name (Host header, TLS servername),
 * the pinned address (lookup). `idleMs` 0: one request, then the socket is closed (a request
 * that could not be pooled, or a second try after a kept-alive socket was lost).
 */
export function oneTargetPool(url: URL, pinned: ResolvedAddress, idleMs: number): Pool {
  return new Pool(url.origin, {
    connect: { lookup: pinnedLookup(pinned) },
    ...(idleMs > 0 ? { keepAliveTimeout: idleMs, keepAliveMaxTimeout: idleMs } : { pipelining: 0 }),
  });
}
