import { hostname } from 'node:os';
import type { AnalyticsRecorder } from '@portico/analytics';
import type { RedisClient } from '@portico/config/redis';
import type { FastifyInstance } from 'fastify';
import { authMetricsText } from './auth/auth-metrics';
import { RuntimeState } from './config/runtime-state';
import { SnapshotStore } from './config/snapshot-store';
import { ConfigSyncClient } from './config/sync-client';
import { DiscoveryManager } from './discovery/discovery-manager';
import { GrpcChannels } from './grpc/grpc-channels';
import type { Limiter } from './limits/limiter-types';
import { RedisResponseCache } from './policies/redis-response-cache';
import { ResponseCache } from './policies/response-cache';
import { ResponseCacheMetrics } from './policies/response-cache-metrics';
import type { ResponseCacheStores } from './policies/response-cache-store';
import { createProxyHandler } from './proxy/proxy-handler';
import { buildProxyServer } from './proxy/proxy-server';
import { GatewayMetrics } from './status/gateway-metrics';
import { RuntimeMetrics } from './status/runtime-metrics';
import { buildStatusServer } from './status/status-server';
import { buildTlsProxyServer, type TlsProxyServer } from './tls/tls-proxy-server';
import { ConnectionPools } from './upstream/connection-pools';

export const GATEWAY_VERSION = '0.1.0';

export interface GatewayOptions {
  controlUrl: string;
  token: string;
  nodeId: string;
  stateDir: string;
  syncWaitSeconds: number;
  trustedProxies: readonly string[];
  maxHeaderBytes: number;
  logLevel: string;
  limiter: Limiter | null;
  analytics: AnalyticsRecorder;
  /** Response cache stores; omitted means memory only, with default bounds. */
  responseCache?: GatewayCacheOptions;
  /** Sync back-off bounds (tests shorten them). */
  /** How often instance health is reported without a config change; default 10 s. */
  statusIntervalMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface GatewayCacheOptions {
  /**
   * A connection of its own (`responseCacheRedisOptions`), never the limiter's; null means APIs
   * asking for Redis use memory. The caller closes it after the gateway.
   */
  redis: RedisClient | null;
  /** Byte cap of the in-memory store. */
  maxBytes?: number;
  /** How long a Redis lookup may take before it is a miss. */
  redisBudgetMs?: number;
  redisKeyPrefix?: string;
}

export interface Gateway {
  proxy: FastifyInstance;
  /** The proxy listener over TLS (HTTP/2 + HTTP/1.1); listens only when the caller makes it. */
  tlsProxy: TlsProxyServer;
  status: FastifyInstance;
  runtime: RuntimeState;
  sync: ConfigSyncClient;
  metrics: GatewayMetrics;
  /** Loads the last-known-good snapshot (if any) and starts syncing. */
  start(): Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), flushes analytics. */
  close(graceMs: number): Promise<void>;
}

/** Wires one gateway process: runtime state, sync, proxy and status listeners (not listening yet). */
export function createGateway(options: GatewayOptions): Gateway {
  const pools = new ConnectionPools();
  const grpcChannels = new GrpcChannels({ warn: (message) => proxy.log.warn(message) });
  const discovery = new DiscoveryManager({
    log: { warn: (message) => proxy.log.warn(message) },
    // A built-in registry with no address is this gateway's own control plane, read with the
    // gateway's data-plane token (the registry accepts it for reads).
    deps: { builtin: { controlUrl: options.controlUrl, token: options.token } },
  });
  const runtime = new RuntimeState({
    pools,
    globalTrustedProxies: options.trustedProxies,
    discovery,
    grpcChannels,
  });
  const metrics = new GatewayMetrics();
  const runtimeMetrics = new RuntimeMetrics();
  let draining = false;
  const cacheMetrics = new ResponseCacheMetrics();
  const memoryCache = new ResponseCache({
    metrics: cacheMetrics,
    ...(options.responseCache?.maxBytes !== undefined
      ? { maxBytes: options.responseCache.maxBytes }
      : {}),
  });
  const cacheRedis = options.responseCache?.redis ?? null;
  const redisCache =
    cacheRedis === null
      ? null
      : new RedisResponseCache({
          redis: cacheRedis,
          metrics: cacheMetrics,
          ...(options.responseCache?.redisBudgetMs !== undefined
            ? { budgetMs: options.responseCache.redisBudgetMs }
            : {}),
          ...(options.responseCache?.redisKeyPrefix !== undefined
            ? { keyPrefix: options.responseCache.redisKeyPrefix }
            : {}),
        });
  const cache: ResponseCacheStores = { memory: memoryCache, redis: redisCache };

  const proxyHandler = createProxyHandler({
    runtime,
    limiter: options.limiter,
    analytics: options.analytics,
    metrics,
    cache,
    log: { error: (message, error) => proxy.log.error({ err: error }, message) },
  });
  const proxy = buildProxyServer({
    maxHeaderBytes: options.maxHeaderBytes,
    logLevel: options.logLevel,
    handler: proxyHandler,
  });
  const tlsProxy = buildTlsProxyServer({
    handler: proxyHandler,
    currentConfig: () => runtime.current.config?.published ?? null,
    maxHeaderBytes: options.maxHeaderBytes,
    log: { warn: (message) => proxy.log.warn(message) },
  });
  const log = {
    info: (message: string) => proxy.log.info(message),
    warn: (message: string) => proxy.log.warn(message),
  };
  const store = new SnapshotStore(options.stateDir, log);
  const serviceHealth = () => {
    const config = runtime.current.config;
    if (!config) return [];
    return [...config.services.values()].map((s) => ({
      serviceId: s.service.id,
      instances: s.selector.health(),
    }));
  };
  const sync = new ConfigSyncClient({
    controlUrl: options.controlUrl,
    token: options.token,
    nodeId: options.nodeId,
    hostname: hostname(),
    gatewayVersion: GATEWAY_VERSION,
    waitSeconds: options.syncWaitSeconds,
    runtime,
    store,
    log,
    serviceHealth,
    ...(options.statusIntervalMs !== undefined
      ? { statusIntervalMs: options.statusIntervalMs }
      : {}),
    ...(options.minBackoffMs !== undefined ? { minBackoffMs: options.minBackoffMs } : {}),
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
  });
  const status = buildStatusServer({
    runtime,
    sync,
    metrics,
    nodeId: options.nodeId,
    gatewayVersion: GATEWAY_VERSION,
    isDraining: () => draining,
    extraMetrics: () =>
      (options.limiter?.metricsText() ?? '') +
      options.analytics.metricsText() +
      runtimeMetrics.text() +
      authMetricsText() +
      cacheMetrics.metricsText({
        memoryEntries: memoryCache.size,
        memoryBytes: memoryCache.byteSize,
        redisPendingWriteBytes: redisCache?.pendingWrites ?? 0,
      }),
  });

  return {
    proxy,
    tlsProxy,
    status,
    runtime,
    sync,
    metrics,
    async start() {
      const saved = await store.load();
      if (saved) {
        const result = runtime.applyPublished(saved.published);
        if (result.ok) {
          runtime.replaceCredentials(saved.credentials.set, saved.credentials.seq);
          log.info(
            `serving last-known-good config version ${runtime.current.config?.version} from ${store.filePath}`,
          );
        } else {
          log.warn(`ignoring last-known-good snapshot: ${result.reason}`);
        }
      }
      sync.start();
    },
    async close(graceMs) {
      draining = true;
      const closing = proxy.close();
      const tlsClosing = tlsProxy.close(graceMs);
      const timer = setTimeout(() => proxy.server.closeAllConnections(), graceMs);
      await closing;
      await tlsClosing;
      clearTimeout(timer);
      await sync.stop();
      await discovery.close();
      for (const s of runtime.current.config?.services.values() ?? []) s.selector.close();
      await options.analytics.close(Math.min(graceMs, 5_000)).catch(() => undefined);
      await options.limiter?.close().catch(() => undefined);
      await pools.closeAll();
      grpcChannels.closeAll();
      await status.close();
      runtimeMetrics.close();
    },
  };
}
