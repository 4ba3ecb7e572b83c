import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/**
 * How a Portico process reaches Redis: one server, or a Redis Cluster. Every process of a
 * deployment (control plane, gateways, workers) must be told the same. On a cluster every key
 * Portico writes already carries a hash tag (`{<prefix>…}`), so a subject's counters, a queue's
 * keys and a registry service's keys each sit in one slot.
 */
export interface RedisConnectionSettings {
  /** `redis://` or `rediss://` URL of the server, or of one node of the cluster. */
  url: string;
  /** Speak Redis Cluster: learn the nodes from `url` (and `seeds`), send each key to its master. */
  cluster: boolean;
  /** More cluster nodes (`host:port`) to learn the cluster from when the one in `url` is down. */
  seeds: string[];
}

const ZSeed = z
  .string()
  .regex(/^[^\s:,]+:\d{1,5}$/, 'each cluster node must be host:port, comma-separated');

/** The environment variables that pick a cluster, shared by every process's env schema. */
export const redisClusterEnv = {
  /** "true": REDIS_URL names one node of a Redis Cluster and every process speaks Cluster. */
  PORTICO_REDIS_CLUSTER: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((value) => value === 'true'),
  /** Optional extra cluster nodes to discover the cluster from, `host:port,host:port`. */
  PORTICO_REDIS_CLUSTER_NODES: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((part) => part.trim()))
    .transform((parts) => parts.filter((part) => part !== ''))
    .pipe(z.array(ZSeed)),
};

/** Settings from a parsed env, or null when the process has no Redis. */
export function redisConnectionSettings(env: {
  REDIS_URL?: string | undefined;
  PORTICO_REDIS_CLUSTER: boolean;
  PORTICO_REDIS_CLUSTER_NODES: string[];
}): RedisConnectionSettings | null {
  if (env.REDIS_URL === undefined) return null;
  return {
    url: env.REDIS_URL,
    cluster: env.PORTICO_REDIS_CLUSTER,
    seeds: env.PORTICO_REDIS_CLUSTER_NODES,
  };
}

/** Options that govern the whole cluster client rather than each node's connection. */
const CLUSTER_LEVEL = ['lazyConnect', 'enableOfflineQueue', 'enableReadyCheck'] as const;

/**
 * A client for `settings` with `options`: a plain ioredis client for one server, or an ioredis
 * Cluster whose node connections carry the same options (credentials and TLS from the URL).
 */
export function connectRedis(
  settings: RedisConnectionSettings,
  options: RedisOptions = {},
): Redis | Cluster {
  if (!settings.cluster) return new Redis(settings.url, options);
  const url = new URL(settings.url);
  const nodes = [`${url.hostname}:${url.port || '6379'}`, ...settings.seeds].map((seed) => {
    const at = seed.lastIndexOf(':');
    return { host: seed.slice(0, at), port: Number(seed.slice(at + 1)) };
  });
  const redisOptions: RedisOptions = {
    ...options,
    ...(url.username !== '' ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password !== '' ? { password: decodeURIComponent(url.password) } : {}),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  const clusterOptions: ClusterOptions = { redisOptions };
  for (const name of CLUSTER_LEVEL) {
    const value = options[name];
    if (value !== undefined) clusterOptions[name] = value;
  }
  // The node clients follow MOVED/ASK themselves; the cluster client retries its own reconnects.
  const retry = options.retryStrategy;
  if (retry) clusterOptions.clusterRetryStrategy = (times) => retry(times) ?? null;
  return new Cluster(nodes, clusterOptions);
}

/** A connection to a single Redis or to a Redis Cluster; both take the same commands. */
export type RedisClient = Redis | Cluster;

/**
 * A second client to the same Redis with `options` over the original's, e.g. a subscriber.
 * (Cluster's `duplicate` takes start-up nodes first, a plain client's takes the options.)
 */
export function duplicateRedis(client: RedisClient, options: RedisOptions): RedisClient {
  if (!(client instanceof Cluster)) return client.duplicate(options);
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...client.options.redisOptions, ...options },
  };
  for (const name of CLUSTER_LEVEL) {
    const value = options[name];
    if (value !== undefined) clusterOptions[name] = value;
  }
  return client.duplicate([], clusterOptions);
}
