import { describe, expect, it } from 'vitest';
import { readCookie, serializeClearedCookie, serializeSessionCookie } from './cookies';

describe('session cookies', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const expiresAt = new Date('2030-01-08T00:00:00Z');

  it('are HttpOnly, SameSite=Lax, scoped to / and expire with the session', () => {
    expect(
      serializeSessionCookie({ name: 'portico_session', secure: false }, 'a.b.c', expiresAt, now),
    ).toBe(
      'portico_session=a.b.c; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800; Expires=Tue, 08 Jan 2030 00:00:00 GMT',
    );
  });

  it('carry Secure when configured, also when cleared', () => {
    expect(
      serializeSessionCookie({ name: 'portico_session', secure: true }, 'v', expiresAt, now),
    ).toMatch(/; Secure$/);
    expect(serializeClearedCookie({ name: 'portico_session', secure: true })).toMatch(
      /^portico_session=; .*Max-Age=0.*; Secure$/,
    );
  });

  it('are read from a Cookie header among others, and malformed encodings are ignored', () => {
    expect(readCookie('theme=dark; portico_session=x.y.z; other=1', 'portico_session')).toBe(
      'x.y.z',
    );
    expect(readCookie('portico_session_old=1', 'portico_session')).toBeNull();
    expect(readCookie('portico_session=%E0%A4%A', 'portico_session')).toBeNull();
    expect(readCookie(undefined, 'portico_session')).toBeNull();
  });
});
