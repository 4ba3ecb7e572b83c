import { availableParallelism } from 'node:os';
import { analyticsShedEnv } from '@portico/analytics';
import { ZRedisPrefix } from '@portico/config';
import { redisClusterEnv } from '@portico/config/redis';
import { z } from 'zod';

const ZBooleanString = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const ZCidrList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry.length > 0),
  );

export const ZGatewayEnv = z.object({
  PORTICO_CONTROL_URL: z.url().transform((url) => url.replace(/\/+$/, '')),
  PORTICO_DP_TOKEN: z.string().min(1),
  PORTICO_GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PORTICO_GATEWAY_STATUS_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  /** Also serve the proxy over TLS (HTTP/2 and HTTP/1.1 by ALPN) on this port; unset = no TLS. */
  PORTICO_GATEWAY_TLS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  PORTICO_GATEWAY_HOST: z.string().default('0.0.0.0'),
  PORTICO_GATEWAY_STATUS_HOST: z.string().default('0.0.0.0'),
  PORTICO_GATEWAY_STATE_DIR: z.string().min(1).default('.portico/gateway-state'),
  PORTICO_GATEWAY_WORKERS: z.coerce.number().int().min(1).max(256).default(availableParallelism()),
  PORTICO_GATEWAY_NODE_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,100}$/, 'letters, digits, ".", "_" and "-" only')
    .optional(),
  /** Comma-separated CIDRs whose X-Forwarded-* / Forwarded headers are believed. */
  PORTICO_GATEWAY_TRUSTED_PROXIES: ZCidrList,
  PORTICO_GATEWAY_SYNC_WAIT_SECONDS: z.coerce.number().int().min(1).max(60).default(25),
  /**
   * V8 young-generation semi-space size of each cluster worker, in MB. Every request allocates
   * short-lived objects; a larger nursery means fewer scavenges and fewer objects promoted only
   * because a collection caught them mid-request. 0 leaves V8's default.
   */
  PORTICO_GATEWAY_SEMI_SPACE_MB: z.coerce.number().int().min(0).max(256).default(32),
  /**
   * Garbage-collection threads of each cluster worker: `serial-scavenge` scavenges the young
   * generation on the worker's own thread and keeps V8's concurrent marking and parallel
   * compaction, `single` runs every phase on the worker's thread, `parallel` is V8's default;
   * `auto` is serial-scavenge when the workers are at least as many as the cores, else parallel
   * (see worker-v8-flags.ts).
   */
  PORTICO_GATEWAY_GC_THREADS: z
    .enum(['auto', 'serial-scavenge', 'single', 'parallel'])
    .default('auto'),
  PORTICO_GATEWAY_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** Ceiling for request headers on the listener (per-API limits sit below it). */
  PORTICO_GATEWAY_MAX_HEADER_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1_048_576)
    .default(65_536),
  /** A limiter reply later than this counts as slow (a metric); it is still waited for. */
  PORTICO_GATEWAY_LIMITER_BUDGET_MS: z.coerce.number().int().min(1).max(1000).default(50),
  /**
   * Hard ceiling on a limiter check's wait for Redis; past it the plan's failure policy decides.
   * Unavailability is otherwise judged from the connection, never from one late reply.
   */
  PORTICO_GATEWAY_LIMITER_MAX_WAIT_MS: z.coerce.number().int().min(1).max(60_000).default(1000),
  /**
   * Refuse to count quotas from zero until the worker's restore marker is in Redis, from the
   * first request (otherwise only once this process has seen the marker).
   */
  PORTICO_GATEWAY_LIMITER_REQUIRE_RESTORE_MARKER: ZBooleanString.default(false),
  /**
   * Most admissions one limiter call counts ahead for a busy consumer (a lease); 1 sends every
   * request's check to Redis. Leases never take more than a sixteenth of what a limit has left.
   * 1024 lets a lease cover half of `LEASE_MS` up to about 10,000 req/s per process, so its
   * refill (sent when half is used) has about 50 ms to come back from a loaded Redis before
   * requests wait on it; a smaller cap ran dry in a quarter of that at the same rate.
   */
  PORTICO_GATEWAY_LIMITER_LEASE_MAX: z.coerce.number().int().min(1).max(4096).default(1024),
  /** How long a lease's unused admissions stay in a gateway process before going back. */
  PORTICO_GATEWAY_LIMITER_LEASE_MS: z.coerce.number().int().min(10).max(10_000).default(200),
  /** Byte cap of each process's in-memory response cache (bodies and headers). */
  PORTICO_GATEWAY_CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_048_576)
    .max(68_719_476_736)
    .default(67_108_864),
  /** How long a Redis response-cache lookup may take before it counts as a miss. */
  PORTICO_GATEWAY_CACHE_REDIS_BUDGET_MS: z.coerce.number().int().min(1).max(1000).default(25),
  /**
   * Override of the response cache's Redis key prefix (each key is the prefix + a sha256);
   * default `<PORTICO_REDIS_PREFIX>:cache:`.
   */
  PORTICO_GATEWAY_CACHE_REDIS_PREFIX: z
    .string()
    .regex(/^[^\s]{1,100}$/, '1-100 characters without spaces')
    .optional(),
  REDIS_URL: z.url().optional(),
  ...redisClusterEnv,
  /**
   * Prefix of every Redis key and queue of this deployment (limiter counters, response cache,
   * analytics queue). Default: what the control plane answers, derived from its database name.
   */
  PORTICO_REDIS_PREFIX: ZRedisPrefix.optional(),
  PORTICO_ANALYTICS_ENABLED: ZBooleanString.default(true),
  PORTICO_ANALYTICS_BUFFER_MAX: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  PORTICO_ANALYTICS_ANONYMISE_IP: ZBooleanString.default(false),
  PORTICO_ANALYTICS_LOG_SUCCESSES_PER_SECOND: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(10),
  PORTICO_ANALYTICS_MAX_SERIES: z.coerce.number().int().min(1).max(10_000_000).default(50_000),
  ...analyticsShedEnv,
  /** Override of the analytics queue's BullMQ prefix; default `{<PORTICO_REDIS_PREFIX>}`. */
  PORTICO_QUEUE_PREFIX: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type GatewayEnv = z.infer<typeof ZGatewayEnv>;

/** Parses the gateway's environment once at boot; the error names every bad variable. */
export function parseGatewayEnv(source: Record<string, string | undefined>): GatewayEnv {
  const result = ZGatewayEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid gateway environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** The only place the gateway reads process.env. */
export function loadGatewayEnv(): GatewayEnv {
  return parseGatewayEnv(process.env);
}
