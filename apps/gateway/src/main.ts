import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';
import {
  consoleAnalyticsLogger,
  createAnalyticsRecorder,
  noopAnalyticsRecorder,
} from '@portico/analytics';
import { limiterKeyPrefixOf, queuePrefixOf, responseCacheKeyPrefixOf } from '@portico/config';
import { connectRedis, redisConnectionSettings } from '@portico/config/redis';
import { deferredLogger } from './deferred-logger';
import { loadGatewayEnv } from './env';
import { createGateway } from './gateway';
import { createLimiter, limiterRedisOptions } from './limits/index';
import { responseCacheRedisOptions } from './policies/redis-response-cache';
import { resolveRedisPrefix } from './redis-prefix';
import { rememberRestoreMarker, restoreMarkerSeenBefore } from './restore-marker-memory';
import { workerV8Flags } from './worker-v8-flags';

const env = loadGatewayEnv();
const baseNodeId =
  env.PORTICO_GATEWAY_NODE_ID ??
  hostname()
    .replace(/[^a-zA-Z0-9._-]/g, '-')
    .slice(0, 80);
const clustered = env.PORTICO_GATEWAY_WORKERS > 1;
/**
 * Clustered, each worker listens on its own socket of the proxy ports (SO_REUSEPORT) and the
 * kernel spreads connections over them by their address hash. On the one socket the cluster
 * otherwise shares, whichever worker wakes first accepts: measured with 64 keep-alive clients
 * over two workers, one got 50 to 53 of them in half the runs, saturating its core while the other
 * idled, which is what drove p99 at saturation. A worker that exits takes only its own socket's
 * queue with it; once every worker has closed its socket, new connections are refused.
 */
const ownSocketPerWorker = clustered ? { exclusive: true, reusePort: true } : {};

if (clustered && cluster.isPrimary) runPrimary();
else await runWorker();

/** Forks one worker per core, replaces crashed ones, and on SIGTERM drains them all. */
function runPrimary(): void {
  // The kernel hands connections to the workers, not the primary. With Node's round-robin the
  // primary accepts and forwards each connection; one forwarded while the workers are closing
  // their listeners is bounced back and parked in the primary's queue for good (no worker left,
  // never closed), so a client connecting during a drain hangs until the primary exits instead
  // of being refused. With the shared socket, once every worker has closed it the primary drops
  // it and pending or new connections are refused at once.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const v8Flags = workerV8Flags(
    {
      semiSpaceMb: env.PORTICO_GATEWAY_SEMI_SPACE_MB,
      gcThreads: env.PORTICO_GATEWAY_GC_THREADS,
      workers: env.PORTICO_GATEWAY_WORKERS,
      cores: availableParallelism(),
    },
    process.execArgv,
  );
  if (v8Flags.length > 0) cluster.setupPrimary({ execArgv: [...process.execArgv, ...v8Flags] });
  let stopping = false;
  const fork = (index: number) => {
    const worker = cluster.fork({ PORTICO_GATEWAY_WORKER_INDEX: String(index) });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      console.error(`gateway worker ${index} exited (${signal ?? code}); starting a new one`);
      fork(index);
    });
  };
  for (let i = 0; i < env.PORTICO_GATEWAY_WORKERS; i++) fork(i);
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    const deadline = setTimeout(
      () => process.exit(1),
      env.PORTICO_GATEWAY_SHUTDOWN_GRACE_MS + 10_000,
    );
    deadline.unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function runWorker(): Promise<void> {
  const workerIndex = cluster.isWorker ? (cluster.worker?.id ?? 0) : 0;
  const nodeId = clustered ? `${baseNodeId}-w${workerIndex}` : baseNodeId;
  // Every key and queue this deployment keeps in Redis starts with one prefix, so two
  // deployments sharing a Redis never count, cache or queue into each other.
  const redisPrefix = await resolveRedisPrefix({
    configured: env.PORTICO_REDIS_PREFIX,
    controlUrl: env.PORTICO_CONTROL_URL,
    token: env.PORTICO_DP_TOKEN,
    stateDir: env.PORTICO_GATEWAY_STATE_DIR,
    // A first boot has nothing to serve until the control plane answers: wait for it rather
    // than guess the prefix. With a last-known-good snapshot, boot at once.
    waitForControl:
      env.REDIS_URL !== undefined &&
      !existsSync(join(env.PORTICO_GATEWAY_STATE_DIR, 'last-known-good.json')),
    onWaiting: () =>
      console.error(
        `gateway ${nodeId}: waiting for the control plane at ${env.PORTICO_CONTROL_URL} to learn this deployment's Redis prefix (or set PORTICO_REDIS_PREFIX)`,
      ),
  });
  const redisSettings = redisConnectionSettings(env);
  const limiterRedis = redisSettings
    ? connectRedis(redisSettings, {
        ...limiterRedisOptions,
        // ioredis must give up on a command well after the limiter's own ceiling, so a late
        // reply still arrives and a refused request's admission can be given back.
        commandTimeout: Math.max(
          limiterRedisOptions.commandTimeout,
          2 * env.PORTICO_GATEWAY_LIMITER_MAX_WAIT_MS,
        ),
        lazyConnect: false,
      })
    : null;
  limiterRedis?.on('error', () => undefined);
  const limiter = createLimiter({
    redis: limiterRedis,
    keyPrefix: limiterKeyPrefixOf(redisPrefix.prefix),
    budgetMs: env.PORTICO_GATEWAY_LIMITER_BUDGET_MS,
    maxWaitMs: env.PORTICO_GATEWAY_LIMITER_MAX_WAIT_MS,
    // A gateway restarted after Redis lost its data requires the marker at once if it saw one
    // before: it must not count from zero until the worker has restored the counters.
    requireRestoreMarker:
      env.PORTICO_GATEWAY_LIMITER_REQUIRE_RESTORE_MARKER ||
      restoreMarkerSeenBefore(env.PORTICO_GATEWAY_STATE_DIR, redisPrefix.prefix),
    onRestoreMarkerSeen: () =>
      void rememberRestoreMarker(env.PORTICO_GATEWAY_STATE_DIR, redisPrefix.prefix),
    maxLease: env.PORTICO_GATEWAY_LIMITER_LEASE_MAX,
    leaseMs: env.PORTICO_GATEWAY_LIMITER_LEASE_MS,
  });
  // The response cache gets a connection of its own: limiter replies must never queue behind a
  // megabyte body written or read on the same socket.
  const cacheRedis = redisSettings
    ? connectRedis(redisSettings, { ...responseCacheRedisOptions, lazyConnect: false })
    : null;
  cacheRedis?.on('error', () => undefined);
  // The recorder is built before the gateway whose logger it shares; its messages then come out
  // as the gateway's own JSON lines, at LOG_LEVEL.
  const analyticsLog = deferredLogger(consoleAnalyticsLogger);
  const analytics =
    env.PORTICO_ANALYTICS_ENABLED && redisSettings
      ? createAnalyticsRecorder({
          logger: analyticsLog.logger,
          connection: redisSettings,
          nodeId,
          prefix: env.PORTICO_QUEUE_PREFIX ?? queuePrefixOf(redisPrefix.prefix),
          maxBufferedEvents: env.PORTICO_ANALYTICS_BUFFER_MAX,
          anonymiseIp: env.PORTICO_ANALYTICS_ANONYMISE_IP,
          logSuccessesPerSecond: env.PORTICO_ANALYTICS_LOG_SUCCESSES_PER_SECOND,
          maxSeries: env.PORTICO_ANALYTICS_MAX_SERIES,
          maxQueueBacklog: env.PORTICO_ANALYTICS_MAX_QUEUE_BACKLOG,
          redisMemoryShedRatio: env.PORTICO_ANALYTICS_REDIS_MEMORY_SHED_RATIO,
        })
      : noopAnalyticsRecorder();
  const gateway = createGateway({
    controlUrl: env.PORTICO_CONTROL_URL,
    token: env.PORTICO_DP_TOKEN,
    nodeId,
    stateDir: env.PORTICO_GATEWAY_STATE_DIR,
    syncWaitSeconds: env.PORTICO_GATEWAY_SYNC_WAIT_SECONDS,
    trustedProxies: env.PORTICO_GATEWAY_TRUSTED_PROXIES,
    maxHeaderBytes: env.PORTICO_GATEWAY_MAX_HEADER_BYTES,
    logLevel: env.LOG_LEVEL,
    limiter,
    analytics,
    responseCache: {
      redis: cacheRedis,
      maxBytes: env.PORTICO_GATEWAY_CACHE_MAX_BYTES,
      redisBudgetMs: env.PORTICO_GATEWAY_CACHE_REDIS_BUDGET_MS,
      redisKeyPrefix:
        env.PORTICO_GATEWAY_CACHE_REDIS_PREFIX ?? responseCacheKeyPrefixOf(redisPrefix.prefix),
    },
  });
  analyticsLog.attach(gateway.proxy.log);
  await gateway.start();
  await gateway.proxy.listen({
    port: env.PORTICO_GATEWAY_PORT,
    host: env.PORTICO_GATEWAY_HOST,
    ...ownSocketPerWorker,
  });
  await gateway.status.listen({
    port: env.PORTICO_GATEWAY_STATUS_PORT,
    host: env.PORTICO_GATEWAY_STATUS_HOST,
  });
  gateway.proxy.log.info(
    `gateway ${nodeId} proxy on :${env.PORTICO_GATEWAY_PORT}, status on :${env.PORTICO_GATEWAY_STATUS_PORT}, Redis prefix ${redisPrefix.prefix} (${redisPrefix.source})`,
  );
  const tlsPort = env.PORTICO_GATEWAY_TLS_PORT;
  if (tlsPort !== undefined) {
    await new Promise<void>((resolve, reject) => {
      gateway.tlsProxy.server.once('error', reject);
      gateway.tlsProxy.server.listen(
        { port: tlsPort, host: env.PORTICO_GATEWAY_HOST, ...ownSocketPerWorker },
        () => resolve(),
      );
    });
    gateway.proxy.log.info(`gateway ${nodeId} TLS proxy (HTTP/2, HTTP/1.1) on :${tlsPort}`);
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    gateway.proxy.log.info(`${signal}: draining in-flight requests`);
    await gateway.close(env.PORTICO_GATEWAY_SHUTDOWN_GRACE_MS);
    limiterRedis?.disconnect();
    cacheRedis?.disconnect();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
