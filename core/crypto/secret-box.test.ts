import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBox, randomDigits } from './secret-box.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, and the sealed text does not contain the secret', () => {
    const sealed = box.seal('商户密钥-abc123');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain('abc123');
    expect(box.open(sealed)).toBe('商户密钥-abc123');
  });

  it('seals the same secret differently each time (random IV)', () => {
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('refuses a tampered value and a value sealed with another key', () => {
    const sealed = box.seal('secret');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1]! ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('still refuses a tampered copy and another key after the original was opened (and kept opened)', () => {
    const sealed = box.seal('kept');
    expect(box.open(sealed)).toBe('kept');
    expect(box.open(sealed)).toBe('kept');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[20]! ^= 1; // the auth tag
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32-byte/);
  });
});

describe('randomDigits', () => {
  it('gives the asked number of digits with no leading zero', () => {
    for (let i = 0; i < 200; i++) expect(randomDigits(8)).toMatch(/^[1-9]\d{7}$/);
  });
});
