import { describe, it, expect } from 'vitest';
import { signaturesMatch } from './constant-time.js';

describe('signaturesMatch', () => {
  const sig = '04df4a0a289293d6ef7c8a2ef1aef12b';

  it('matches identical strings', () => {
    expect(signaturesMatch(sig, sig)).toBe(true);
  });

  it('rejects a one-character difference', () => {
    expect(signaturesMatch(sig, sig.slice(0, -1) + 'c')).toBe(false);
  });

  it('is case-sensitive (hex verifiers lowercase before calling)', () => {
    expect(signaturesMatch(sig, sig.toUpperCase())).toBe(false);
  });

  it('returns false on a length mismatch instead of throwing', () => {
    expect(signaturesMatch(sig, sig.slice(0, 31))).toBe(false);
    expect(signaturesMatch(sig, sig + '0')).toBe(false);
  });

  it('compares UTF-8 bytes, so equal UTF-16 length with different byte length is a mismatch', () => {
    expect(signaturesMatch('ab', 'a中')).toBe(false);
    expect(signaturesMatch('签名', '签名')).toBe(true);
  });

  it('never matches an empty or non-string signature', () => {
    expect(signaturesMatch('', '')).toBe(false);
    expect(signaturesMatch(sig, '')).toBe(false);
    expect(signaturesMatch(sig, undefined)).toBe(false);
    expect(signaturesMatch(sig, null)).toBe(false);
    expect(signaturesMatch(sig, [sig])).toBe(false);
  });
});
