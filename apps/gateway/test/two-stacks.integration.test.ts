import { parseQuotaCounter, quotaCounterKey } from '@portico/config';
import { eventually, type RedisServer, startRedisServer } from '@portico/testkit';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoHandler, startUpstream, type Upstream } from './harness';
import { rollupTotal, type Stack, startStack } from './stack-process';

/**
 * Two Portico deployments (each its own control plane, database, worker and gateway) on one
 * Redis, none of them told a prefix: each must count, queue and roll up exactly its own traffic.
 * Before one prefix per deployment, the second stack's gateway wrote its analytics into the
 * queue the first stack's worker consumed, and both counted quotas in the same keys.
 */
let redisServer: RedisServer;
let redisUrl: string;
let admin: Redis;
let upstream: Upstream;
const stacks: Stack[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
  redisUrl = `redis://127.0.0.1:${redisServer.port}`;
  admin = new Redis(redisUrl);
  upstream = await startUpstream(echoHandler);
}, 60_000);

afterAll(async () => {
  for (const stack of stacks) await stack.close();
  admin?.disconnect();
  await upstream?.close();
  await redisServer?.stop();
}, 60_000);

describe('two deployments on one Redis, neither told a prefix', () => {
  it('each counts its quota, queues its analytics and rolls up exactly its own requests', async () => {
    const quota = { requests: 1000, per: 'day' as const };
    const one = await startStack({ name: 'one', redisUrl, upstreamPort: upstream.port, quota });
    stacks.push(one);
    const two = await startStack({ name: 'two', redisUrl, upstreamPort: upstream.port, quota });
    stacks.push(two);
    const sent = new Map<Stack, number>([
      [one, 37],
      [two, 53],
    ]);
    for (const [stack, n] of sent) {
      for (let i = 0; i < n; i++) {
        const res = await request(`${stack.gatewayUrl}/orders/${i}`, {
          headers: { 'x-api-key': stack.key },
        });
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      }
    }
    for (const [stack, n] of sent) {
      await eventually(async () => (await rollupTotal(stack)) >= n, 60_000, 'rollups');
      expect(await rollupTotal(stack)).toBe(n);
      // Each stack's quota counter lives under its own database's prefix.
      const database = new URL(stack.control.database.url).pathname.slice(1);
      const counter = parseQuotaCounter(
        await admin.get(
          quotaCounterKey(`portico:${database}:rl`, stack.planId, stack.consumerId, 'day'),
        ),
      );
      expect(counter?.count).toBe(n);
    }
    // Nothing was written under the shared default prefix.
    expect(await admin.keys('{portico}:*')).toEqual([]);
    expect(await admin.keys('{portico:rl:*')).toEqual([]);
  }, 300_000);
});
