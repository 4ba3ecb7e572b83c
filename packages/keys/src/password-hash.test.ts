import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, parsePasswordHash, verifyPassword } from './password-hash';

describe('password hashes', () => {
  it('hashes with fresh salt into a self-describing scrypt string and verifies it', async () => {
    const a = await hashPassword('a long password');
    const b = await hashPassword('a long password');
    expect(a).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'a long password')).toBe(true);
    expect(await verifyPassword(a, 'a long passworD')).toBe(false);
  });

  it('refuses hashes whose parameters would make verification a denial of service', () => {
    const salt = Buffer.alloc(16).toString('base64');
    const hash = Buffer.alloc(32).toString('base64');
    expect(isPasswordHash(`$scrypt$ln=15,r=8,p=1$${salt}$${hash}`)).toBe(true);
    expect(isPasswordHash(`$scrypt$ln=30,r=8,p=1$${salt}$${hash}`)).toBe(false);
    expect(isPasswordHash(`$scrypt$ln=15,r=64,p=1$${salt}$${hash}`)).toBe(false);
    expect(isPasswordHash('$argon2id$v=19$m=19456,t=2,p=1$abc$def')).toBe(false);
    expect(parsePasswordHash('plain text')).toBeNull();
  });

  it('answers false, never throws, for a malformed stored hash', async () => {
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});
