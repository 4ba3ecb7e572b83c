import type { QuotaCounterReader } from '@portico/api';
import type { Redis } from 'ioredis';

/** A usage query waits at most this long for Redis before answering from the rollups. */
const READ_BUDGET_MS = 250;

/**
 * Reads the gateway limiter's quota counters (one MGET) from the control plane's Redis, which
 * must be the Redis the gateways use. A client that is not connected fails at once instead of
 * queueing the command, and a slow one fails after the budget; either way usage falls back to
 * the rollups rather than holding the request.
 */
export function redisQuotaCounterReader(redis: Redis, keyPrefix?: string): QuotaCounterReader {
  return {
    ...(keyPrefix !== undefined ? { keyPrefix } : {}),
    async read(keys) {
      if (redis.status !== 'ready') throw new Error(`redis is ${redis.status}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('redis read timed out')), READ_BUDGET_MS);
      });
      try {
        return await Promise.race([redis.mget(...keys), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
