import type { SnapshotApi } from '@portico/config';
import type { JWTPayload } from 'jose';

/** The scopes a JWT must carry on an API, per route, compiled when the version is applied. */
export interface CompiledScopes {
  readonly api: readonly string[];
  /** Route id → the API's scopes plus the route's own. */
  readonly byRoute: ReadonlyMap<string, readonly string[]>;
}

/**
 * Compiles `auth.requiredScopes` and `auth.routeScopes` of a JWT API; null when it requires
 * none. Throws naming the API when a route override names no route, so the version is refused.
 */
export function compileScopes(api: SnapshotApi): CompiledScopes | null {
  const auth = api.auth;
  if (auth.type !== 'jwt') return null;
  const apiScopes = auth.requiredScopes ?? [];
  const routeScopes = auth.routeScopes ?? {};
  if (apiScopes.length === 0 && Object.keys(routeScopes).length === 0) return null;
  const byRoute = new Map<string, readonly string[]>();
  for (const [name, scopes] of Object.entries(routeScopes)) {
    const route = api.routes.find((r) => r.name === name);
    if (route === undefined)
      throw new Error(`API ${api.name} auth.routeScopes.${name}: names no route of the API`);
    byRoute.set(route.id, [...new Set([...apiScopes, ...scopes])]);
  }
  return { api: apiScopes, byRoute };
}

/** The scopes a request on `routeId` needs (null route id: the API's catch-all). */
export function scopesFor(compiled: CompiledScopes, routeId: string | null): readonly string[] {
  return (routeId === null ? undefined : compiled.byRoute.get(routeId)) ?? compiled.api;
}

/**
 * The first needed scope the token does not grant, or null when it grants them all. Scopes are
 * read from `scope` (a space-separated string, RFC 9068) and `scp` (a list or a string).
 */
export function missingScope(payload: JWTPayload, needed: readonly string[]): string | null {
  if (needed.length === 0) return null;
  const granted = new Set<string>();
  const add = (value: unknown) => {
    const list = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
    for (const scope of list) if (typeof scope === 'string' && scope !== '') granted.add(scope);
  };
  add(payload.scope);
  add(payload.scp);
  for (const scope of needed) if (!granted.has(scope)) return scope;
  return null;
}
