import { randomBytes } from 'node:crypto';
import { generateSecret } from '@portico/keys';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLimiter, limiterRedisOptions } from '../src/limits/index';
import { grpcService, type ShopServer, startShopServer } from './grpc-support';
import { apiOf, published, startGateway, type TestGateway } from './harness';

/** A transcoded gRPC route under key auth and a plan's rate limit counted in real Redis. */
const key = generateSecret('apiKey');
let shop: ShopServer;
let gw: TestGateway;
let redis: Redis;

beforeAll(async () => {
  shop = await startShopServer();
  redis = new Redis('redis://127.0.0.1:6379', { ...limiterRedisOptions });
  await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
  const limiter = createLimiter({
    redis,
    keyPrefix: `gwtest:${randomBytes(6).toString('hex')}`,
    budgetMs: 50,
    maxLease: 1,
  });
  gw = await startGateway({ limiter });
  const ok = await gw.feed(
    published(1, {
      services: [grpcService('shop', [shop.port])],
      apis: [apiOf('shop-api', '/shop', 'shop', { auth: { type: 'key' } })],
      plans: [
        { id: 'two', name: 'two', apiIds: ['shop-api'], rateLimit: { requests: 2, per: 'minute' } },
      ],
    }),
    {
      seq: 1,
      set: {
        consumers: [{ id: 'con_g', name: 'grpc-user', status: 'active' }],
        keys: [{ id: 'key_g', consumerId: 'con_g', hash: key.hash, expiresAt: null }],
        subscriptions: [{ id: 'sub_g', consumerId: 'con_g', planId: 'two' }],
      },
    },
  );
  expect(ok).toBe(true);
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
