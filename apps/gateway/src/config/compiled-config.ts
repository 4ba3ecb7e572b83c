import type {
  ApiAuth,
  PublishedConfig,
  SnapshotApi,
  SnapshotPlan,
  SnapshotService,
} from '@portico/config';
import type { Pool } from 'undici';
import { type CompiledAggregate, compileAggregate } from '../aggregate/aggregate-plan';
import { type Authenticator, compileAuth } from '../auth/request-auth';
import type { DiscoveryManager } from '../discovery/discovery-manager';
import { buildGrpcMethodIndex, type GrpcMethodIndex } from '../grpc/grpc-call-routing';
import type { GrpcChannels } from '../grpc/grpc-channels';
import {
  type CompiledGrpcService,
  compileGrpcService,
  grpcChannelKeys,
} from '../grpc/grpc-service';
import { type CompiledMcp, compileMcp, createSchemaCompiler } from '../mcp/compiled-mcp';
import { CidrList } from '../policies/cidr-list';
import { type CompiledCors, compileCors } from '../policies/cors';
import { type CompiledHeaderTransform, compileHeaderTransform } from '../policies/header-transform';
import { type ConnectionPools, poolKey } from '../upstream/connection-pools';
import { ServiceBalancer } from '../upstream/service-balancer';
import type { UpstreamInstance, UpstreamSelector } from '../upstream/upstream-selector';
import { type CompiledValidation, compileValidation } from '../validation/compiled-validation';
import {
  type CompiledRoute,
  compileRoute,
  type RoutableApi,
  RoutingTable,
  sortRoutes,
} from './routing-table';

/** Stands in for "every method, every path" on APIs that declare no routes; it has no route id. */
const CATCH_ALL_ROUTE: CompiledRoute = {
  id: '',
  name: null,
  methods: null,
  segments: [],
  rest: true,
};

export interface CompiledService {
  readonly service: SnapshotService;
  readonly selector: UpstreamSelector;
  poolFor(instance: UpstreamInstance): Pool;
  /** Set for `protocol: grpc` services: requests are transcoded to gRPC calls. */
  readonly grpc: CompiledGrpcService | null;
}

export interface CompiledApi extends RoutableApi {
  readonly api: SnapshotApi;
  readonly routes: readonly CompiledRoute[];
  readonly service: CompiledService;
  readonly auth: ApiAuth;
  readonly ipAllow: CidrList | null;
  readonly ipDeny: CidrList | null;
  readonly trustedProxies: CidrList;
  readonly requestHeaders: CompiledHeaderTransform;
  readonly responseHeaders: CompiledHeaderTransform;
  readonly cors: CompiledCors | null;
  readonly cacheTtlSeconds: number | null;
  /** Where cached responses live; 'redis' falls back to memory on a gateway without Redis. */
  readonly cacheStore: 'memory' | 'redis';
  readonly maxHeaderBytes: number;
  readonly maxBodyBytes: number;
  /** The API's MCP endpoint and tools; null when MCP is off. */
  readonly mcp: CompiledMcp | null;
  /** OpenAPI request validation, compiled from the API's document; null when off. */
  readonly validation: CompiledValidation | null;
  /** The API's authentication (one method, any of several, or none), scopes compiled in. */
  readonly authenticator: Authenticator;
  /** Composite routes by route id. */
  readonly aggregates: ReadonlyMap<string, CompiledAggregate>;
}

export interface CompiledPlan {
  readonly plan: SnapshotPlan;
  readonly apiIds: ReadonlySet<string>;
  /** APIs the plan includes only in part: the route ids it includes. Absent API: whole. */
  readonly routeIds: ReadonlyMap<string, ReadonlySet<string>>;
}

/** One config version, compiled for the hot path. Immutable once built. */
export interface CompiledConfig {
  readonly version: number;
  readonly hash: string;
  readonly published: PublishedConfig;
  readonly router: RoutingTable<CompiledApi>;
  readonly apis: readonly CompiledApi[];
  readonly services: ReadonlyMap<string, CompiledService>;
  readonly plans: ReadonlyMap<string, CompiledPlan>;
  readonly jwtSecrets: Readonly<Record<string, string>>;
  /** Request paths of every MCP endpoint: the one set the proxy looks in before routing. */
  readonly mcpPaths: ReadonlySet<string>;
  /** gRPC methods by `/package.Service/Method`, for gRPC calls sent without a base path. */
  readonly grpcMethods: GrpcMethodIndex;
}

export interface CompileDeps {
  pools: ConnectionPools;
  /** Selectors of the previous version, reused when a service's targets did not change. */
  previous: CompiledConfig | null;
  globalTrustedProxies: readonly string[];
  /** Follows registries for services with a discovery reference (absent: static targets only). */
  discovery?: DiscoveryManager;
  /** Channels to gRPC services' instances (absent: gRPC services are refused). */
  grpcChannels?: GrpcChannels;
}

/**
 * Compiles a validated published config. Throws with a message naming the offending entity
 * when something cannot be compiled (a bad CIDR, say): the caller refuses the version.
 */
export function compileConfig(published: PublishedConfig, deps: CompileDeps): CompiledConfig {
  const snapshot = published.snapshot;
  const services = new Map<string, CompiledService>();
  const poolKeysInUse = new Set<string>();
  const reused = new Set<UpstreamSelector>();
  const grpcKeysInUse = new Set<string>();
  for (const service of snapshot.services) {
    if (service.protocol === 'grpc' && deps.grpcChannels === undefined)
      throw new Error(`service ${service.name}: this gateway cannot speak gRPC`);
    const reusable = deps.previous?.services.get(service.id);
    const selector =
      reusable && sameUpstreams(reusable.service, service)
        ? reusable.selector
        : new ServiceBalancer(service);
    const grpc: CompiledGrpcService | null =
      service.protocol === 'grpc' && deps.grpcChannels !== undefined
        ? compileGrpcService(service, deps.grpcChannels, selector)
        : null;
    if (selector === reusable?.selector) reused.add(selector);
    for (const target of selector.health())
      poolKeysInUse.add(poolKey(originOf(service.scheme, target.address, target.port), service));
    if (grpc !== null) grpcChannelKeys(service, selector.health(), grpcKeysInUse);
    const poolsByOrigin = new Map<string, Pool>();
    services.set(service.id, {
      service,
      selector,
      grpc,
      poolFor(instance) {
        let pool = poolsByOrigin.get(instance.origin);
        if (pool === undefined) {
          pool = deps.pools.get(instance.origin, service);
          poolsByOrigin.set(instance.origin, pool);
        }
        return pool;
      },
    });
  }

  const schemaCompiler = snapshot.apis.some((api) => api.mcp !== undefined)
    ? createSchemaCompiler()
    : null;
  const servicesByName = new Map<string, CompiledService>();
  for (const s of services.values()) servicesByName.set(s.service.name, s);
  const apis: CompiledApi[] = snapshot.apis.map((api) => {
    const where = `API ${api.name}`;
    const service = services.get(api.serviceId);
    if (!service) throw new Error(`${where}: unknown service ${api.serviceId}`);
    const policies = api.policies;
    // An API without routes forwards everything under its base path.
    const routes =
      api.routes.length > 0 ? sortRoutes(api.routes.map(compileRoute)) : [CATCH_ALL_ROUTE];
    const aggregates = new Map<string, CompiledAggregate>();
    for (const route of api.routes) {
      if (route.aggregate === undefined) continue;
      try {
        aggregates.set(route.id, compileAggregate(route, route.aggregate, servicesByName));
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}`);
      }
    }
    return {
      api,
      routes,
      service,
      auth: api.auth,
      ipAllow: policies.ipAllow.length > 0 ? cidrs(policies.ipAllow, `${where} ipAllow`) : null,
      ipDeny: policies.ipDeny.length > 0 ? cidrs(policies.ipDeny, `${where} ipDeny`) : null,
      trustedProxies: cidrs(
        [...deps.globalTrustedProxies, ...policies.trustedProxies],
        `${where} trustedProxies`,
      ),
      requestHeaders: compileHeaderTransform(policies.requestHeaders),
      responseHeaders: compileHeaderTransform(policies.responseHeaders),
      cors: policies.cors ? compileCors(policies.cors) : null,
      cacheTtlSeconds: policies.cache?.enabled ? policies.cache.ttlSeconds : null,
      cacheStore: policies.cache?.store ?? 'memory',
      maxHeaderBytes: policies.maxHeaderBytes,
      maxBodyBytes: policies.maxBodyBytes,
      mcp: schemaCompiler === null ? null : compileMcp(api, routes, schemaCompiler),
      validation: compileValidation(api),
      authenticator: authenticatorOf(api, published.secrets.jwtSecrets),
      aggregates,
    };
  });

  const plans = new Map<string, CompiledPlan>(
    snapshot.plans.map((plan) => [
      plan.id,
      {
        plan,
        apiIds: new Set(plan.apiIds),
        routeIds: new Map(
          Object.entries(plan.routeIds ?? {}).map(([apiId, ids]) => [apiId, new Set(ids)]),
        ),
      },
    ]),
  );
  deps.pools.retainOnly(poolKeysInUse);
  deps.grpcChannels?.retainOnly(grpcKeysInUse);
  // Nothing below can fail: this version goes live, so start and stop background work now.
  for (const s of services.values()) if (!reused.has(s.selector)) s.selector.start();
  for (const s of deps.previous?.services.values() ?? [])
    if (!reused.has(s.selector)) s.selector.close();
  deps.grpcChannels?.retainReflections(snapshot.services);
  deps.discovery?.reconcile(published, services.values());
  return {
    version: published.version,
    hash: published.hash,
    published,
    router: new RoutingTable(apis),
    apis,
    services,
    plans,
    jwtSecrets: published.secrets.jwtSecrets,
    mcpPaths: new Set(apis.flatMap((a) => (a.mcp === null ? [] : [a.mcp.endpointPath]))),
    grpcMethods: buildGrpcMethodIndex(apis),
  };
}

function authenticatorOf(api: SnapshotApi, secrets: Readonly<Record<string, string>>) {
  try {
    return compileAuth(api, secrets);
  } catch (error) {
    throw new Error(`API ${api.name}: ${(error as Error).message}`);
  }
}

function cidrs(entries: readonly string[], where: string): CidrList {
  try {
    return new CidrList(entries);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
}

function originOf(scheme: string, host: string, port: number): string {
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `${scheme}://${bracketed}:${port}`;
}

function sameUpstreams(a: SnapshotService, b: SnapshotService): boolean {
  // Everything the balancer holds state for; timeouts and TLS live in the connection pools.
  return (
    a.scheme === b.scheme &&
    JSON.stringify(a.targets) === JSON.stringify(b.targets) &&
    JSON.stringify(a.healthCheck) === JSON.stringify(b.healthCheck) &&
    JSON.stringify(a.loadBalancer) === JSON.stringify(b.loadBalancer) &&
    JSON.stringify(a.retries) === JSON.stringify(b.retries) &&
    JSON.stringify(a.circuitBreaker) === JSON.stringify(b.circuitBreaker) &&
    JSON.stringify(a.discovery) === JSON.stringify(b.discovery) &&
    JSON.stringify(a.tls) === JSON.stringify(b.tls)
  );
}
