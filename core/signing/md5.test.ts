import { describe, it, expect } from 'vitest';
import { md5Hex } from './md5.js';

// Expected values from `printf '%s' '<text>' | md5sum`.
describe('md5Hex', () => {
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['中文签名', 'ff7cc2fe46e4f5c086fa942f0d300d9a'],
  ])('md5(%j)', (text, hex) => {
    expect(md5Hex(text)).toBe(hex);
  });

  it('is 32 lowercase hex characters', () => {
    expect(md5Hex('paymesh')).toMatch(/^[0-9a-f]{32}$/);
  });
});
