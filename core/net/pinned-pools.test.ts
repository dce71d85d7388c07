import { afterEach, describe, expect, it } from 'vitest';
import { receiversClosedAfterEach } from '../../test/support/callback-receiver.js';
import { PinnedPools } from './pinned-pools.js';

const receiver = receiversClosedAfterEach();
const pinnedPools: PinnedPools[] = [];
afterEach(() => {
  for (const pools of pinnedPools.splice(0)) pools.destroy();
});

function poolsOf(max: number): PinnedPools {
  const pools = new PinnedPools(max);
  pinnedPools.push(pools);
  return pools;
}

const loopback = { address: '127.0.0.1', family: 4 } as const;

describe('PinnedPools', () => {
  it('keeps one pool per checked target, and at most the limit: an idle one makes room, a busy one does not', async () => {
    const slow = await receiver(() => 'hang');
    const quick = await receiver(() => ({ status: 200, body: 'success' }));
    const pools = poolsOf(1);
    const slowUrl = new URL(`${slow.url}/cb`);
    const quickUrl = new URL(`${quick.url}/cb`);

    const slowPool = pools.poolFor(slowUrl, loopback)!;
    expect(pools.poolFor(slowUrl, loopback)).toBe(slowPool);
    const abort = new AbortController();
    const hanging = slowPool.request({ path: '/cb', method: 'POST', body: 'x', signal: abort.signal }).catch((e: Error) => e);
    while (slow.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    // The only pool is busy: a request to another target is not pooled.
    expect(pools.poolFor(quickUrl, loopback)).toBeNull();
    expect(pools.size).toBe(1);

    abort.abort();
    await hanging;
    // The aborted request leaves the pool's counts a moment later.
    const busy = () => slowPool.stats.running + slowPool.stats.pending + slowPool.stats.queued > 0;
    while (busy()) await new Promise((r) => setTimeout(r, 5));
    // Idle now: it is dropped to make room for the new target's pool.
    const quickPool = pools.poolFor(quickUrl, loopback);
    expect(quickPool).not.toBeNull();
    expect(quickPool).not.toBe(slowPool);
    expect(pools.size).toBe(1);
    const reply = await quickPool!.request({ path: '/cb', method: 'POST', body: 'x' });
    expect(reply.statusCode).toBe(200);
    expect(await reply.body.text()).toBe('success');
  });
});
