import { describe, expect, it } from 'vitest';
import { SigningKeyCache } from './signing-key-cache.js';

/** A cache on a clock the test moves. */
function cacheAt(maxAgeMs: number, maxEntries = 10): { cache: SigningKeyCache<string>; advance(ms: number): void } {
  let now = 1000;
  return { cache: new SigningKeyCache<string>(maxAgeMs, maxEntries, () => now), advance: (ms) => void (now += ms) };
}

describe('SigningKeyCache', () => {
  it('keeps nothing until it hears changes, and forgets everything when it stops hearing', () => {
    const { cache } = cacheAt(10_000);
    cache.keep('k', 'v', cache.generation);
    expect(cache.find('k')).toBeUndefined();
    cache.hearingChanges();
    cache.keep('k', 'v', cache.generation);
    expect(cache.find('k')).toBe('v');
    cache.deaf();
    expect(cache.find('k')).toBeUndefined();
    cache.keep('k', 'v', cache.generation);
    expect(cache.size).toBe(0);
  });

  it('refuses what a read found that began before a change, or before it started hearing again', () => {
    const { cache } = cacheAt(10_000);
    cache.hearingChanges();
    const beforeChange = cache.generation;
    cache.changed();
    cache.keep('k', 'old', beforeChange);
    expect(cache.find('k')).toBeUndefined();

    cache.deaf();
    const whileDeaf = cache.generation;
    cache.hearingChanges();
    cache.keep('k', 'unheard', whileDeaf);
    expect(cache.find('k')).toBeUndefined();
    cache.keep('k', 'new', cache.generation);
    expect(cache.find('k')).toBe('new');
  });

  it('forgets every key at a change', () => {
    const { cache } = cacheAt(10_000);
    cache.hearingChanges();
    cache.keep('a', '1', cache.generation);
    cache.keep('b', '2', cache.generation);
    cache.changed();
    expect([cache.find('a'), cache.find('b'), cache.size]).toEqual([undefined, undefined, 0]);
  });

  it('drops a key older than its longest keep, and keeps nothing with a longest keep of 0', () => {
    const { cache, advance } = cacheAt(500);
    cache.hearingChanges();
    cache.keep('k', 'v', cache.generation);
    advance(499);
    expect(cache.find('k')).toBe('v');
    advance(1);
    expect(cache.find('k')).toBeUndefined();
    expect(cache.size).toBe(0);

    const off = cacheAt(0).cache;
    off.hearingChanges();
    off.keep('k', 'v', off.generation);
    expect(off.size).toBe(0);
  });

  it('holds at most maxEntries keys, the longest kept going first', () => {
    const { cache } = cacheAt(10_000, 3);
    cache.hearingChanges();
    for (const k of ['a', 'b', 'c']) cache.keep(k, k, cache.generation);
    cache.keep('a', 'a2', cache.generation); // kept again: now the newest
    cache.keep('d', 'd', cache.generation);
    expect(cache.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((k) => cache.find(k))).toEqual(['a2', undefined, 'c', 'd']);
  });
});
