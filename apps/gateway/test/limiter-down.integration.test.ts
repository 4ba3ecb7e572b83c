import { generateSecret } from '@portico/keys';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiter, limiterRedisOptions } from '../src/limits/index';
import { credentialSet } from './credential-set';
import { type GatewayWithUpstream, loopbackService, startGatewayWithUpstream } from './fed-gateway';
import { apiOf, expectProblem } from './harness';

const openKey = generateSecret('apiKey');
const closedKey = generateSecret('apiKey');
let gw: GatewayWithUpstream;
let deadRedis: Redis;

beforeAll(async () => {
  // A Redis address nothing listens on: every connection attempt is refused, as with Redis stopped.
  deadRedis = new Redis({ ...limiterRedisOptions, host: '127.0.0.1', port: 1 });
  deadRedis.on('error', () => undefined);
  const limits = {
    rateLimit: { requests: 100, per: 'second' },
    quota: { requests: 1000, per: 'day' },
  };
  gw = await startGatewayWithUpstream({
    limiter: createLimiter({ redis: deadRedis, keyPrefix: 'gw-down', maxWaitMs: 50 }),
    snapshot: (upstream) => ({
      services: [loopbackService('svc', [upstream])],
      apis: [apiOf('api', '/', 'svc', { auth: { type: 'key' } })],
      plans: [
        { id: 'open', name: 'open', apiIds: ['api'], redisFailurePolicy: 'open', ...limits },
        { id: 'closed', name: 'closed', apiIds: ['api'], redisFailurePolicy: 'closed', ...limits },
      ],
    }),
    credentials: credentialSet([
      { id: 'con_open', name: 'open', key: openKey, planId: 'open' },
      { id: 'con_closed', name: 'closed', key: closedKey, planId: 'closed' },
    ]),
  });
});
afterAll(async () => {
  await gw.close();
  deadRedis.disconnect();
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
    expect(res.headers['retry-after']).toBeDefined();
    await expectProblem(res, 503, 'GW_LIMITER_UNAVAILABLE');
  });
});
