import type { QuotaCounterReader } from '@portico/api';
import type { RedisClient } from '@portico/config/redis';
import { Cluster } from 'ioredis';

/** A usage query waits at most this long for Redis before answering from the rollups. */
const READ_BUDGET_MS = 250;

/**
 * Reads the gateway limiter's quota counters (one MGET) from the control plane's Redis, which
 * must be the Redis the gateways use. A client that is not connected fails at once instead of
 * queueing the command, and a slow one fails after the budget; either way usage falls back to
 * the rollups rather than holding the request.
 */
export function redisQuotaCounterReader(
  redis: RedisClient,
  keyPrefix?: string,
): QuotaCounterReader {
  return {
    ...(keyPrefix !== undefined ? { keyPrefix } : {}),
    async read(keys) {
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('redis read timed out')), READ_BUDGET_MS);
      });
      try {
        return await Promise.race([readCounters(redis, keys), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * One MGET on a single Redis. A cluster refuses an MGET whose keys span slots, and the counters of
 * different subscriptions do, so there each is read on its own (in parallel).
 */
function readCounters(redis: RedisClient, keys: string[]): Promise<Array<string | null>> {
  if (redis instanceof Cluster) return Promise.all(keys.map((key) => redis.get(key)));
  return redis.mget(...keys);
}
