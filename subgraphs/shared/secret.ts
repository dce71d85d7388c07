import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret (bearer token, subgraph secret) with the expected one in
 * constant time. Both sides are hashed first so neither their content nor their length
 * shows in the timing.
 */
export function secretsEqual(expected: string, presented: string | undefined): boolean {
  if (!expected || typeof presented !== 'string' || presented.length === 0) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(presented).digest();
  return timingSafeEqual(a, b);
}
