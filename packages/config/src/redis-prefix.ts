import { z } from 'zod';

/**
 * One prefix for every Redis key and BullMQ queue of a Portico deployment, so two deployments
 * sharing one Redis never see each other's counters, queues or registry entries. Every app takes
 * it from `PORTICO_REDIS_PREFIX`; without it the control plane and the worker derive it from
 * their database's name (`portico:<database>`), and gateways ask the control plane for it at
 * boot. The names below are the only places the per-purpose prefixes are built.
 */
export const ZRedisPrefix = z
  .string()
  .regex(
    /^[A-Za-z0-9._:-]{1,64}$/,
    '1-64 letters, digits, ".", "_", ":" or "-" (no braces: it sits inside Redis Cluster hash tags)',
  );

/** The prefix of a deployment that names none and whose database name is unknown. */
export const DEFAULT_REDIS_PREFIX = 'portico';

/** `portico:<database name>` for a postgres:// URL; the default when none is configured. */
export function redisPrefixForDatabase(databaseUrl: string): string {
  let name = '';
  try {
    name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\/+/, ''));
  } catch {
    name = '';
  }
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 50);
  return safe === '' ? DEFAULT_REDIS_PREFIX : `${DEFAULT_REDIS_PREFIX}:${safe}`;
}

/** Key prefix of the gateway limiter's rate and quota keys (see limiter-keys.ts). */
export function limiterKeyPrefixOf(redisPrefix: string): string {
  return `${redisPrefix}:rl`;
}

/** Key prefix of the gateway's shared response cache (followed by a sha256). */
export function responseCacheKeyPrefixOf(redisPrefix: string): string {
  return `${redisPrefix}:cache:`;
}

/** Key prefix of the built-in service registry in the control plane. */
export function registryKeyPrefixOf(redisPrefix: string): string {
  return `${redisPrefix}:`;
}

/**
 * BullMQ prefix of the analytics and maintenance queues: the whole prefix in braces, so each
 * queue's keys share one Redis Cluster slot.
 */
export function queuePrefixOf(redisPrefix: string): string {
  return `{${redisPrefix}}`;
}
