import { type RedisServer, startRedisServer } from '@portico/testkit';
import { Redis } from 'ioredis';
import type { Pool } from 'undici';
import { echoHandler, startUpstream, type Upstream } from './harness';

/**
 * What the limiter stress tests run their gateways against: a private redis-server (the counters
 * are read back, and nothing else on the machine may touch them), an admin connection to it, and
 * an echo upstream.
 */
export interface LimitsFixture {
  redisServer: RedisServer;
  /** `redis://127.0.0.1:<port>` of the private server. */
  redisUrl: string;
  admin: Redis;
  upstream: Upstream;
  /** Closes the admin connection and the upstream, then stops the redis-server. */
  close(): Promise<void>;
}

export async function startLimitsFixture(): Promise<LimitsFixture> {
  const redisServer = await startRedisServer();
  const redisUrl = `redis://127.0.0.1:${redisServer.port}`;
  const admin = new Redis(redisUrl);
  const upstream = await startUpstream(echoHandler);
  return {
    redisServer,
    redisUrl,
    admin,
    upstream,
    async close() {
      admin.disconnect();
      await upstream.close();
      await redisServer.stop();
    },
  };
}

/**
 * One keyed GET of `/items/{n}` on `pool`, its body discarded, counted by status in `statuses`:
 * the load the limits tests send. Returns the response for its headers.
 */
export async function sendKeyedItemRequest(
  pool: Pool,
  n: number,
  apiKey: string,
  statuses: Map<number, number>,
) {
  const res = await pool.request({
    path: `/items/${n}`,
    method: 'GET',
    headers: { 'x-api-key': apiKey },
  });
  await res.body.dump();
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  return res;
}
