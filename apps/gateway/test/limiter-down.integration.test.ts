import { generateSecret } from '@portico/keys';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiter, limiterRedisOptions } from '../src/limits/index';
import {
  apiOf,
  echoHandler,
  published,
  service,
  startGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

const openKey = generateSecret('apiKey');
const closedKey = generateSecret('apiKey');
let upstream: Upstream;
let gw: TestGateway;
let deadRedis: Redis;

beforeAll(async () => {
  upstream = await startUpstream(echoHandler);
  // A Redis address nothing listens on: every connection attempt is refused, as with Redis stopped.
  deadRedis = new Redis({ ...limiterRedisOptions, host: '127.0.0.1', port: 1 });
  deadRedis.on('error', () => undefined);
  gw = await startGateway({
    limiter: createLimiter({ redis: deadRedis, keyPrefix: 'gw-down', maxWaitMs: 50 }),
  });
  const limits = {
    rateLimit: { requests: 100, per: 'second' },
    quota: { requests: 1000, per: 'day' },
  };
  await gw.feed(
    published(1, {
      services: [service('svc', [{ host: '127.0.0.1', port: upstream.port }])],
      apis: [apiOf('api', '/', 'svc', { auth: { type: 'key' } })],
      plans: [
        { id: 'open', name: 'open', apiIds: ['api'], redisFailurePolicy: 'open', ...limits },
        { id: 'closed', name: 'closed', apiIds: ['api'], redisFailurePolicy: 'closed', ...limits },
      ],
    }),
    {
      seq: 1,
      set: {
        consumers: [
          { id: 'con_open', name: 'open', status: 'active' },
          { id: 'con_closed', name: 'closed', status: 'active' },
        ],
        keys: [
          { id: 'k_open', consumerId: 'con_open', hash: openKey.hash, expiresAt: null },
          { id: 'k_closed', consumerId: 'con_closed', hash: closedKey.hash, expiresAt: null },
        ],
        subscriptions: [
          { id: 's_open', consumerId: 'con_open', planId: 'open' },
          { id: 's_closed', consumerId: 'con_closed', planId: 'closed' },
        ],
      },
    },
  );
});
afterAll(async () => {
  await gw.close();
  deadRedis.disconnect();
  await upstream.close();
});

describe('Redis unreachable', () => {
  it('fail-open plans keep admitting valid keys, quickly', async () => {
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const res = await request(`${gw.url}/x`, { headers: { 'x-api-key': openKey.clear } });
      expect(res.statusCode).toBe(200);
      await res.body.dump();
    }
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('fail-closed plans answer 503 GW_LIMITER_UNAVAILABLE with Retry-After, never 401/403', async () => {
    const res = await request(`${gw.url}/x`, { headers: { 'x-api-key': closedKey.clear } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(((await res.body.json()) as { code: string }).code).toBe('GW_LIMITER_UNAVAILABLE');
  });
});
