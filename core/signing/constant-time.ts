import { timingSafeEqual } from 'node:crypto';

/**
 * Compares a computed signature with the one a caller sent without leaking, through timing,
 * how many leading characters were right. The comparison is exact (case-sensitive); verifiers
 * whose rule is hex lowercase the given value first.
 *
 * A length mismatch returns false at once: signature lengths are public (32 hex chars for MD5),
 * so that early exit reveals nothing. An empty or non-string `given` never matches, so a missing
 * signature cannot pass even if a bug produced an empty expected value.
 */
export function signaturesMatch(expected: string, given: unknown): boolean {
  if (typeof expected !== 'string' || typeof given !== 'string') return false;
  if (expected.length === 0 || given.length === 0) return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
