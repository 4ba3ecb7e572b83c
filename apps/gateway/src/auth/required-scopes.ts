import type { SnapshotApi } from '@portico/config';

/** The scopes a JWT must carry on an API, per route, compiled when the version is applied. */
export interface CompiledScopes {
  readonly api: readonly string[];
  /** Route id → the API's scopes plus the route's own. */
  readonly byRoute: ReadonlyMap<string, readonly string[]>;
}

/** The scope settings of an auth method that has them (jwt, introspection). */
export interface ScopeSettings {
  requiredScopes?: readonly string[] | undefined;
  routeScopes?: Readonly<Record<string, readonly string[]>> | undefined;
}

/**
 * Compiles `auth.requiredScopes` and `auth.routeScopes` of a JWT API; null when it requires
 * none. Throws naming the API when a route override names no route, so the version is refused.
 */
export function compileScopes(api: SnapshotApi): CompiledScopes | null {
  return api.auth.type === 'jwt' ? compileScopesOf(api.auth, api) : null;
}

/** Compiles one auth method's scope settings against the API's routes (see compileScopes). */
export function compileScopesOf(settings: ScopeSettings, api: SnapshotApi): CompiledScopes | null {
  const apiScopes = settings.requiredScopes ?? [];
  const routeScopes = settings.routeScopes ?? {};
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

const NO_SCOPES: readonly string[] = [];

/** The scopes a request on `routeId` needs under possibly no scope settings. */
export function scopesOrNone(
  compiled: CompiledScopes | null,
  routeId: string | null,
): readonly string[] {
  return compiled === null ? NO_SCOPES : scopesFor(compiled, routeId);
}

/** The scopes a request on `routeId` needs (null route id: the API's catch-all). */
export function scopesFor(compiled: CompiledScopes, routeId: string | null): readonly string[] {
  return (routeId === null ? undefined : compiled.byRoute.get(routeId)) ?? compiled.api;
}

/**
 * The first needed scope the token does not grant, or null when it grants them all. Scopes are
 * read from `scope` (a space-separated string, RFC 9068) and `scp` (a list or a string).
 */
export function missingScope(
  payload: Readonly<Record<string, unknown>>,
  needed: readonly string[],
): string | null {
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
