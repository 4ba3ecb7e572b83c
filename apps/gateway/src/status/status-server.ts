import Fastify, { type FastifyInstance } from 'fastify';
import type { RuntimeState } from '../config/runtime-state';
import type { ConfigSyncClient } from '../config/sync-client';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../errors/gateway-errors';
import { requestIdFrom } from '../proxy/request-identity';
import type { GatewayMetrics } from './gateway-metrics';

export interface StatusServerDeps {
  runtime: RuntimeState;
  sync: ConfigSyncClient;
  metrics: GatewayMetrics;
  nodeId: string;
  gatewayVersion: string;
  isDraining: () => boolean;
  /** More Prometheus text (limiter, analytics). */
  extraMetrics: () => string;
}

/** The status listener: health, readiness, Prometheus metrics and a JSON view of what runs. */
export function buildStatusServer(deps: StatusServerDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    const config = deps.runtime.current.config;
    if (config !== null && !deps.isDraining()) return { status: 'ready', version: config.version };
    const detail = config === null ? 'no configuration loaded yet' : 'shutting down';
    reply.code(503).type(PROBLEM_CONTENT_TYPE);
    return problemBody('GW_NOT_READY', detail, requestIdFrom(request.headers['x-request-id']));
  });
  app.get('/metrics', async (_request, reply) => {
    const current = deps.runtime.current;
    reply.type('text/plain; version=0.0.4');
    return (
      deps.metrics.text({
        configVersion: current.config?.version ?? 0,
        credentialSeq: current.credentials.seq,
        ready: current.config !== null,
      }) + deps.extraMetrics()
    );
  });
  app.get('/status', async () => {
    const current = deps.runtime.current;
    const config = current.config;
    return {
      nodeId: deps.nodeId,
      gatewayVersion: deps.gatewayVersion,
      pid: process.pid,
      ready: config !== null && !deps.isDraining(),
      config: config
        ? { version: config.version, hash: config.hash, publishedAt: config.published.publishedAt }
        : null,
      lastRefusal: deps.runtime.lastRefusal,
      credentials: {
        seq: current.credentials.seq,
        keys: current.credentials.keysByHash.size,
        consumers: current.credentials.consumers.size,
      },
      sync: deps.sync.status(),
      services: config
        ? [...config.services.values()].map((s) => ({
            id: s.service.id,
            name: s.service.name,
            instances: s.selector.health(),
            discovery: s.selector.discoveryView(),
            circuitBreaker: s.selector.breakerState(),
          }))
        : [],
      apis: config
        ? config.apis.map((a) => ({
            id: a.api.id,
            name: a.api.name,
            basePath: a.api.basePath,
            hosts: a.api.hosts,
          }))
        : [],
    };
  });
  return app;
}
