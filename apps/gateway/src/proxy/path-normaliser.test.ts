import { describe, expect, it } from 'vitest';
import { isUnderBasePath, normalisePath } from './path-normaliser';

function ok(raw: string) {
  const result = normalisePath(raw);
  if (!result.ok) throw new Error(`expected ${raw} to normalise, got: ${result.reason}`);
  return result;
}

describe('normalisePath', () => {
  it('returns plain paths untouched', () => {
    expect(ok('/v1/orders/42').path).toBe('/v1/orders/42');
  });
  it('decodes percent-encoded unreserved characters and upper-cases the rest', () => {
    expect(ok('/v1/%7Euser/%61b%2dc/x%3ay').path).toBe('/v1/~user/ab-c/x%3Ay');
  });
  it('collapses duplicate slashes', () => {
    expect(ok('//v1///orders//').path).toBe('/v1/orders/');
  });
  it('resolves dot segments, including encoded dots', () => {
    expect(ok('/v1/a/./b/../c').path).toBe('/v1/a/c');
    const encoded = ok('/v1/%2e%2E/admin');
    expect(encoded.path).toBe('/admin');
    expect(encoded.hadDots).toBe(true);
    expect(encoded.beforeDots).toBe('/v1/../admin');
  });
  it.each([
    ['/v1/a%2Fb', 'encoded slashes'],
    ['/v1/a%5cb', 'encoded slashes'],
    ['/v1/a\\b', 'backslashes'],
    ['/v1/%zz', 'malformed percent-escape'],
    ['/v1/%2', 'malformed percent-escape'],
    ['/v1/%00', 'NUL'],
    ['/../etc/passwd', 'climbs above the root'],
    ['/a/%2e%2e/%2e%2e/b', 'climbs above the root'],
    ['http://evil.example/v1', 'absolute path'],
    ['*', 'absolute path'],
  ])('rejects %s (%s)', (raw, reason) => {
    const result = normalisePath(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});

describe('isUnderBasePath', () => {
  it('matches on segment boundaries only', () => {
    expect(isUnderBasePath('/v1', '/v1')).toBe(true);
    expect(isUnderBasePath('/v1/x', '/v1')).toBe(true);
    expect(isUnderBasePath('/v10/x', '/v1')).toBe(false);
    expect(isUnderBasePath('/anything', '/')).toBe(true);
  });
});
