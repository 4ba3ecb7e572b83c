import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSealed, sealSecret } from './seal';

describe('sealSecret', () => {
  const key = randomBytes(32);

  it('round-trips, and sealing twice gives different ciphertexts', () => {
    const a = sealSecret(key, '{"token":"abc"}');
    const b = sealSecret(key, '{"token":"abc"}');
    expect(a).not.toBe(b);
    expect(openSealed(key, a)).toBe('{"token":"abc"}');
  });

  it('refuses a tampered value and a wrong-sized key', () => {
    const sealed = sealSecret(key, 'secret');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => openSealed(key, `v1.${raw.toString('base64')}`)).toThrow();
    expect(() => sealSecret(randomBytes(16), 'x')).toThrow(/32 bytes/);
  });
});
