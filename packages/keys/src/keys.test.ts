import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, isWellFormedSecret } from './index';

describe('API key format', () => {
  it('generates prefixed keys whose hash is their sha256', () => {
    const key = generateSecret('apiKey');
    expect(key.clear).toMatch(/^pk_[0-9A-Za-z]{38}$/);
    expect(key.hash).toBe(hashSecret(key.clear));
    expect(key.start).toBe(key.clear.slice(0, 11));
    expect(isWellFormedSecret('apiKey', key.clear)).toBe(true);
  });

  it('rejects a key with one character changed through its checksum', () => {
    const key = generateSecret('apiKey').clear;
    const flipped = `${key.slice(0, 10)}${key[10] === 'A' ? 'B' : 'A'}${key.slice(11)}`;
    expect(isWellFormedSecret('apiKey', flipped)).toBe(false);
  });

  it('rejects wrong prefixes, lengths and alphabets', () => {
    const key = generateSecret('apiKey').clear;
    expect(isWellFormedSecret('apiKey', `xx${key.slice(2)}`)).toBe(false);
    expect(isWellFormedSecret('apiKey', key.slice(0, -1))).toBe(false);
    expect(isWellFormedSecret('apiKey', `${key.slice(0, -1)}!`)).toBe(false);
    expect(isWellFormedSecret('personalToken', key)).toBe(false);
  });
});
