import { generateSecret } from '@portico/keys';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialSet } from './credential-set';
import { startFedGateway } from './fed-gateway';
import { grpcService, type ShopServer, startShopServer } from './grpc-support';
import { apiOf, type TestGateway } from './harness';
import { connectRedisLimiter, type RedisLimiter } from './redis-limiter';

/** A transcoded gRPC route under key auth and a plan's rate limit counted in real Redis. */
const key = generateSecret('apiKey');
let shop: ShopServer;
let gw: TestGateway;
let redis: RedisLimiter;

beforeAll(async () => {
  shop = await startShopServer();
  redis = await connectRedisLimiter({ maxLease: 1 });
  gw = await startFedGateway({
    limiter: redis.limiter,
    snapshot: {
      services: [grpcService('shop', [shop.port])],
      apis: [apiOf('shop-api', '/shop', 'shop', { auth: { type: 'key' } })],
      plans: [
        { id: 'two', name: 'two', apiIds: ['shop-api'], rateLimit: { requests: 2, per: 'minute' } },
      ],
    },
    credentials: credentialSet([{ id: 'con_g', name: 'grpc-user', key, planId: 'two' }]),
  });
});
afterAll(async () => {
  await gw.close();
  await shop.close();
  redis.disconnect();
});

describe('keys and limits on a transcoded gRPC route', () => {
  it('refuses a missing key and limits by plan before the gRPC server is called', async () => {
    const before = shop.state.calls;
    const missing = await request(`${gw.url}/shop/v1/orders/1`);
    expect(missing.statusCode).toBe(401);
    await missing.body.dump();
    const statuses: number[] = [];
    let last: Record<string, unknown> = {};
    for (let i = 0; i < 3; i++) {
      const res = await request(`${gw.url}/shop/v1/orders/${i}`, {
        headers: { 'x-api-key': key.clear },
      });
      statuses.push(res.statusCode);
      last = (await res.body.json()) as Record<string, unknown>;
      if (i === 0) expect(res.headers['ratelimit-policy']).toBeDefined();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last.code).toBe('GW_RATE_LIMITED');
    expect(shop.state.calls).toBe(before + 2);
    // The consumer travels to the server as metadata.
    expect(shop.state.lastMetadata?.['x-consumer-id']).toBe('con_g');
  });
});
