import { ZSnapshotApi } from '@portico/config';
import { describe, expect, it } from 'vitest';
import { compileScopes, missingScope, scopesFor } from './required-scopes';

function api(auth: Record<string, unknown>) {
  return ZSnapshotApi.parse({
    id: 'api_1',
    name: 'orders',
    slug: 'orders',
    basePath: '/orders',
    serviceId: 'svc_1',
    auth: { type: 'jwt', secretRef: 's', ...auth },
    routes: [{ id: 'rt_w', name: 'write', methods: ['POST'], path: '/*' }],
  });
}

describe('required scopes', () => {
  it('adds route scopes to the API scopes and uses the API scopes elsewhere', () => {
    const compiled = compileScopes(api({ requiredScopes: ['r'], routeScopes: { write: ['w'] } }));
    if (compiled === null) throw new Error('expected scopes');
    expect(scopesFor(compiled, 'rt_w')).toEqual(['r', 'w']);
    expect(scopesFor(compiled, null)).toEqual(['r']);
  });

  it('compiles to nothing when the API requires no scope', () => {
    expect(compileScopes(api({}))).toBeNull();
  });

  it('refuses a route override naming no route', () => {
    expect(() => compileScopes(api({ routeScopes: { nope: ['x'] } }))).toThrow(
      'API orders auth.routeScopes.nope: names no route of the API',
    );
  });

  it('reads scope strings and scp lists, and names the first missing scope', () => {
    expect(missingScope({ scope: 'a b' }, ['a', 'b'])).toBeNull();
    expect(missingScope({ scp: ['a'] }, ['a', 'b'])).toBe('b');
    expect(missingScope({ scp: 'b' }, ['b'])).toBeNull();
    expect(missingScope({}, ['a'])).toBe('a');
    expect(missingScope({ scope: 'ab' }, ['a'])).toBe('a');
    expect(missingScope({}, [])).toBeNull();
  });
});
