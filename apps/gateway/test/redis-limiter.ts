import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createLimiter, type Limiter, limiterRedisOptions } from '../src/limits/index';

/** The gateway's real limiter on the machine's Redis, and the connection it runs on. */
export interface RedisLimiter {
  limiter: Limiter;
  redis: Redis;
  /** Drops the connection; the gateway the limiter was given to closes the limiter itself. */
  disconnect(): void;
}

/**
 * Connects to the machine's Redis and builds a limiter under a fresh key prefix, so no two test
 * files (or runs) ever count against the same keys.
 */
export async function connectRedisLimiter(
  options: {
    /** Names the prefix (`<prefix>:<random>`). */
    prefix?: string;
    budgetMs?: number;
    /** Admissions a busy consumer may lease at once; 1 makes every request a Redis round trip. */
    maxLease?: number;
  } = {},
): Promise<RedisLimiter> {
  const redis = new Redis('redis://127.0.0.1:6379', { ...limiterRedisOptions });
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  const limiter = createLimiter({
    redis,
    keyPrefix: `${options.prefix ?? 'gwtest'}:${randomBytes(6).toString('hex')}`,
    budgetMs: options.budgetMs ?? 50,
    ...(options.maxLease === undefined ? {} : { maxLease: options.maxLease }),
  });
  return { limiter, redis, disconnect: () => redis.disconnect() };
}
