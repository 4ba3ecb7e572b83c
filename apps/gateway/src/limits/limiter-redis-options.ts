import type { RedisOptions } from 'ioredis';

/**
 * ioredis options the caller should merge into the limiter's connection (ioredis 6):
 *
 * - `enableAutoPipelining`: concurrent checks issued in one event-loop tick go out as one
 *   pipelined write, which is what keeps one connection fast under load.
 * - `enableOfflineQueue: false` and `maxRetriesPerRequest: 0`: while disconnected, commands
 *   fail at once instead of queueing (memory) and being replayed after their budget is gone. The
 *   limiter also skips Redis itself whenever the connection is not `ready`.
 * - `commandTimeout`: a hung server (connection up, no replies) gets its commands rejected and
 *   freed after one second; the limiter answers every caller within its own budget regardless.
 * - `connectTimeout` and `retryStrategy`: notice a dead server quickly and keep trying to come
 *   back every few hundred ms, so the limiter returns to Redis soon after it recovers.
 *
 * The limiter defines two Lua commands on the connection (`defineCommand`), which run as EVALSHA
 * with an EVAL fallback on NOSCRIPT. Use a dedicated connection (no `keyPrefix`) for the limiter.
 */
export const limiterRedisOptions = {
  enableAutoPipelining: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 1000,
  connectTimeout: 1000,
  retryStrategy: (times: number) => Math.min(50 * times, 500),
} satisfies RedisOptions;
