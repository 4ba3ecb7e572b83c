import { type RedisServer, startRedisServer } from '@portico/testkit';
import type { Redis } from 'ioredis';
import { afterEach } from 'vitest';

/** Every key starting with `prefix`, found with SCAN so a shared Redis is never blocked. */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

/**
 * Starts, per test, a redis-server of the test's own and one client on it made by `connect` (the
 * way the code under test connects), for tests that stop or pause that server. Both are closed
 * after each test.
 */
export function useOwnRedisServer<Options extends unknown[]>(
  connect: (port: number, ...options: Options) => Promise<Redis>,
): (...options: Options) => Promise<{ server: RedisServer; redis: Redis }> {
  let server: RedisServer | null = null;
  let client: Redis | null = null;
  afterEach(async () => {
    client?.disconnect();
    client = null;
    await server?.stop();
    server = null;
  });
  return async (...options) => {
    server = await startRedisServer();
    client = await connect(server.port, ...options);
    return { server, redis: client };
  };
}
