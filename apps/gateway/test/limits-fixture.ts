import { type RedisServer, startRedisServer } from '@portico/testkit';
import { Redis } from 'ioredis';
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
