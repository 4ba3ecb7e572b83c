import type { RedisOptions } from 'ioredis';

/**
 * ioredis options the caller should merge into the limiter's connection (ioredis 6):
 *
 * - `enableAutoPipelining: false`: the limiter already batches. Every check submitted in one
 *   event-loop turn goes out as one command in `setImmediate`, so there is nothing left for
 *   auto-pipelining to merge; it would only add a pipeline object and a deferred write per
 *   command (bench-limiter.ts shows no consistent difference either way). On a Redis Cluster a
 *   flush sends one command per hash slot; for an ioredis `Cluster`, enabling auto-pipelining in
 *   its own options can merge those per node.
 * - `enableOfflineQueue: false` and `maxRetriesPerRequest: 0`: while disconnected, commands
 *   fail at once instead of queueing (memory) and being replayed after their budget is gone. The
 *   limiter also skips Redis itself whenever the connection is not `ready`.
 * - `commandTimeout`: 30 s, far beyond the limiter's own ceiling (`maxWaitMs`). A paused or
 *   overloaded server runs the commands it was sent once it resumes; if ioredis had given up on
 *   them, their admissions would stay counted with nobody to give them back. Read late, a reply
 *   refunds refused requests and lets fail-open admissions be charged exactly once. Only a
 *   server hung for longer than this leaves those outcomes unknown. The limiter answers every
 *   caller within its own ceiling regardless, and its breaker stops sending to a hung server.
 * - `connectTimeout` and `retryStrategy`: notice a dead server quickly and keep trying to come
 *   back every few hundred ms, so the limiter returns to Redis soon after it recovers.
 *
 * The limiter defines two Lua commands on the connection (`defineCommand`), which run as EVALSHA
 * with an EVAL fallback on NOSCRIPT. Use a dedicated connection (no `keyPrefix`) for the limiter.
 */
export const limiterRedisOptions = {
  enableAutoPipelining: false,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  commandTimeout: 30_000,
  connectTimeout: 1000,
  retryStrategy: (times: number) => Math.min(50 * times, 500),
} satisfies RedisOptions;
