import type { HttpMethod, SnapshotApi, SnapshotRoute } from '@portico/config';
import { isUnderBasePath } from '../proxy/path-normaliser';

type Segment = { kind: 'literal'; value: string } | { kind: 'param' };

export interface CompiledRoute {
  readonly id: string;
  readonly name: string | null;
  /** null = every method. */
  readonly methods: ReadonlySet<string> | null;
  readonly segments: readonly Segment[];
  readonly rest: boolean;
}

export interface RoutableApi {
  readonly api: SnapshotApi;
  readonly routes: readonly CompiledRoute[];
}

export type RouteMatch<A extends RoutableApi> =
  | {
      kind: 'matched';
      entry: A;
      route: CompiledRoute /** Path below the base path, always starting with "/". */;
      relativePath: string;
    }
  | { kind: 'no-api' }
  | { kind: 'no-route'; entry: A };

export function compileRoute(route: SnapshotRoute): CompiledRoute {
  let pattern = route.path;
  let rest = false;
  if (pattern.endsWith('*')) {
    rest = true;
    pattern = pattern.slice(0, -1);
  }
  const segments: Segment[] = pattern
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => (s.startsWith(':') ? { kind: 'param' } : { kind: 'literal', value: s }));
  return {
    id: route.id,
    name: route.name ?? null,
    methods:
      route.methods.length === 0 ? null : new Set<string>(route.methods satisfies HttpMethod[]),
    segments,
    rest,
  };
}

/** More literal segments first, then longer patterns, catch-alls last: the most specific route wins. */
function specificity(route: CompiledRoute): number {
  const literals = route.segments.filter((s) => s.kind === 'literal').length;
  return (route.rest ? 0 : 1_000_000) + literals * 1000 + route.segments.length;
}

export function sortRoutes(routes: CompiledRoute[]): CompiledRoute[] {
  return routes.sort((a, b) => specificity(b) - specificity(a));
}

function routeMatches(route: CompiledRoute, method: string, relativePath: string): boolean {
  if (route.methods !== null && !route.methods.has(method)) {
    // HEAD is served by GET routes, as HTTP says it must be.
    if (!(method === 'HEAD' && route.methods.has('GET'))) return false;
  }
  // Walk segments without splitting the path into an array.
  let position = 1;
  for (const segment of route.segments) {
    if (position > relativePath.length) return false;
    let end = relativePath.indexOf('/', position);
    if (end === -1) end = relativePath.length;
    if (end === position) return false;
    if (segment.kind === 'literal') {
      if (
        end - position !== segment.value.length ||
        !relativePath.startsWith(segment.value, position)
      ) {
        return false;
      }
    }
    position = end + 1;
  }
  if (route.rest) return true;
  // Exact patterns match the path with or without one trailing slash.
  return position >= relativePath.length;
}

/** The first of `routes` (sorted by `sortRoutes`) matching the method and relative path. */
export function matchRoute(
  routes: readonly CompiledRoute[],
  method: string,
  relativePath: string,
): CompiledRoute | null {
  for (const route of routes) if (routeMatches(route, method, relativePath)) return route;
  return null;
}

/**
 * Host + longest base path, then method + path pattern. Built once per config version, read by
 * every request of that version.
 */
export class RoutingTable<A extends RoutableApi> {
  private readonly exactHosts = new Map<string, A[]>();
  private readonly wildcardHosts = new Map<string, A[]>();
  private readonly anyHost: A[] = [];

  constructor(entries: readonly A[]) {
    for (const entry of entries) {
      if (entry.api.hosts.length === 0) {
        this.anyHost.push(entry);
        continue;
      }
      for (const host of entry.api.hosts) {
        const map = host.startsWith('*.') ? this.wildcardHosts : this.exactHosts;
        const key = host.startsWith('*.') ? host.slice(1) : host;
        const list = map.get(key) ?? [];
        list.push(entry);
        map.set(key, list);
      }
    }
    const byBaseLength = (a: A, b: A) => b.api.basePath.length - a.api.basePath.length;
    for (const list of this.exactHosts.values()) list.sort(byBaseLength);
    for (const list of this.wildcardHosts.values()) list.sort(byBaseLength);
    this.anyHost.sort(byBaseLength);
  }

  match(hostHeader: string | undefined, method: string, path: string): RouteMatch<A> {
    const host = (hostHeader ?? '').toLowerCase();
    const colon = host.lastIndexOf(':');
    const bareHost = colon > 0 && !host.endsWith(']') ? host.slice(0, colon) : host;
    const candidates: (A[] | undefined)[] = [this.exactHosts.get(host)];
    if (bareHost !== host) candidates.push(this.exactHosts.get(bareHost));
    const dot = bareHost.indexOf('.');
    if (dot > 0) {
      const suffix = bareHost.slice(dot);
      if (bareHost !== host) candidates.push(this.wildcardHosts.get(host.slice(dot)));
      candidates.push(this.wildcardHosts.get(suffix));
    }
    candidates.push(this.anyHost);
    for (const list of candidates) {
      if (list === undefined) continue;
      for (const entry of list) {
        const base = entry.api.basePath;
        if (!isUnderBasePath(path, base)) continue;
        const relativePath =
          base === '/' ? path : path.length === base.length ? '/' : path.slice(base.length);
        for (const route of entry.routes) {
          if (routeMatches(route, method, relativePath)) {
            return { kind: 'matched', entry, route, relativePath };
          }
        }
        return { kind: 'no-route', entry };
      }
    }
    return { kind: 'no-api' };
  }
}
