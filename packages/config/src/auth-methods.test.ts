import { describe, expect, it } from 'vitest';
import { ZApiAuth } from './api-settings';

const messages = (value: unknown) => {
  const result = ZApiAuth.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('auth methods', () => {
  it('accepts basic, introspection with defaults, and anyOf of two single methods', () => {
    expect(ZApiAuth.parse({ type: 'basic' })).toEqual({ type: 'basic' });
    expect(
      ZApiAuth.parse({
        type: 'introspection',
        url: 'https://as.example.com/introspect',
        clientId: 'gw',
        clientSecretRef: 'as',
      }),
    ).toMatchObject({ consumerClaim: 'sub', cacheSeconds: 60, timeoutMs: 2000 });
    expect(
      ZApiAuth.parse({ type: 'anyOf', methods: [{ type: 'key' }, { type: 'basic' }] }),
    ).toMatchObject({ type: 'anyOf' });
  });

  it('refuses anyOf with one method, a method twice, nested anyOf, or two bearer methods', () => {
    expect(messages({ type: 'anyOf', methods: [{ type: 'key' }] })).toEqual([
      'methods: anyOf needs at least two methods',
    ]);
    expect(messages({ type: 'anyOf', methods: [{ type: 'key' }, { type: 'key' }] })).toEqual([
      'methods.1.type: key is listed twice; list each method once',
    ]);
    expect(
      messages({
        type: 'anyOf',
        methods: [
          { type: 'key' },
          { type: 'anyOf', methods: [{ type: 'key' }, { type: 'basic' }] },
        ],
      }).join(),
    ).toContain('methods.1.type');
    expect(
      messages({
        type: 'anyOf',
        methods: [
          { type: 'jwt', secretRef: 's' },
          { type: 'introspection', url: 'https://as.test/i', clientId: 'c', clientSecretRef: 's' },
        ],
      }),
    ).toEqual([
      'methods: jwt and introspection both read "Authorization: Bearer"; list only one of them',
    ]);
  });

  it('refuses a realm with a quote, a non-http introspection URL and an unbounded cache', () => {
    expect(messages({ type: 'basic', realm: 'a"b' })[0]).toContain('realm');
    const bad = messages({
      type: 'introspection',
      url: 'ftp://as.test/i',
      clientId: 'c',
      clientSecretRef: 's',
      cacheSeconds: 86_400,
    });
    expect(bad.map((m) => m.split(':')[0])).toEqual(['url', 'cacheSeconds']);
  });
});
