import type { CompiledApi } from '../config/compiled-config';
import { matchRoute, type RouteMatch } from '../config/routing-table';

/** The APIs reachable by a bare `/package.Service/Method` path (built at apply). */
export interface GrpcMethodIndex {
  readonly size: number;
  /** By method path, for schemas known at apply. */
  readonly byPath: ReadonlyMap<string, readonly CompiledApi[]>;
  /** APIs whose schema arrives later by server reflection: asked for the path at call time. */
  readonly reflected: readonly CompiledApi[];
}

/** Indexes every method of every gRPC-backed API; APIs bound to hosts come first (more specific). */
export function buildGrpcMethodIndex(apis: readonly CompiledApi[]): GrpcMethodIndex {
  const index = new Map<string, CompiledApi[]>();
  const reflected: CompiledApi[] = [];
  const ordered = [
    ...apis.filter((a) => a.api.hosts.length > 0),
    ...apis.filter((a) => a.api.hosts.length === 0),
  ];
  for (const entry of ordered) {
    const grpc = entry.service.grpc;
    if (grpc === null) continue;
    if (grpc.reflected) {
      reflected.push(entry);
      continue;
    }
    for (const path of grpc.methodPaths) {
      const list = index.get(path);
      if (list === undefined) index.set(path, [entry]);
      else list.push(entry);
    }
  }
  return { size: index.size + reflected.length, byPath: index, reflected };
}

/**
 * Where a gRPC call goes. The routing table first: an API at base path `/` (or bound to a host),
 * or a client that puts the base path before `/package.Service/Method`. When that does not land
 * on a gRPC service — gRPC clients usually cannot add a path prefix — the call's path is looked
 * up among the methods the gRPC services' schemas declare: the first API on the request's host
 * (then on any host) whose service declares the method takes it, matched against its routes with
 * the whole path.
 */
export function routeGrpcCall(
  index: GrpcMethodIndex,
  hostHeader: string | undefined,
  path: string,
  match: RouteMatch<CompiledApi>,
): RouteMatch<CompiledApi> {
  if (match.kind === 'matched' && match.entry.service.grpc !== null) return match;
  const host = (hostHeader ?? '').toLowerCase();
  const bare = bareHost(host);
  for (const entry of index.byPath.get(path) ?? NONE) {
    if (servesHost(entry.api.hosts, host, bare)) return routeWithin(entry, path);
  }
  for (const entry of index.reflected) {
    if (entry.service.grpc?.methodPaths.has(path) && servesHost(entry.api.hosts, host, bare))
      return routeWithin(entry, path);
  }
  return match;
}

const NONE: readonly CompiledApi[] = [];

function routeWithin(entry: CompiledApi, path: string): RouteMatch<CompiledApi> {
  const route = matchRoute(entry.routes, 'POST', path);
  return route === null
    ? { kind: 'no-route', entry }
    : { kind: 'matched', entry, route, relativePath: path };
}

function bareHost(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.lastIndexOf(':');
  return colon > 0 ? host.slice(0, colon) : host;
}

/** The API's hosts as the routing table reads them: exact (with or without port), or `*.` suffix. */
function servesHost(hosts: readonly string[], host: string, bare: string): boolean {
  if (hosts.length === 0) return true;
  for (const pattern of hosts) {
    if (pattern === host || pattern === bare) return true;
    if (
      pattern.startsWith('*.') &&
      (bare.endsWith(pattern.slice(1)) || host.endsWith(pattern.slice(1)))
    )
      return true;
  }
  return false;
}
