import { descriptorSetOf } from '@portico/grpc-schema';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopBehindGateway } from './fed-gateway';
import { expectOrderPassedThrough } from './grpc-client-support';
import { compiledShopSchema, grpcService, type ShopServer, transcodedOrder } from './grpc-support';
import { apiOf, published, type TestGateway } from './harness';

/** A gRPC service whose schema is a compiled descriptor set instead of proto sources. */
function shopDescriptorSet(): string {
  return descriptorSetOf(compiledShopSchema().root);
}

function withDescriptorSet(descriptorSet: string, port: number) {
  return { ...grpcService('shop', [port]), grpc: { descriptorSet } };
}

let shop: ShopServer;
let gw: TestGateway;

beforeAll(async () => {
  ({ shop, gw } = await startShopBehindGateway((server) => ({
    services: [withDescriptorSet(shopDescriptorSet(), server.port)],
    apis: [apiOf('shop-api', '/shop', 'shop')],
  })));
  expect(gw.gateway.runtime.lastRefusal).toBeNull();
});
afterAll(async () => {
  await gw.close();
  await shop.close();
});

describe('a gRPC service described by a descriptor set', () => {
  it('transcodes by the annotations the set carries, and maps well-known types', async () => {
    const res = await request(`${gw.url}/shop/v1/orders/9007199254740993?note=rush`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toMatchObject(
      transcodedOrder('9007199254740993', { note: 'rush' }),
    );
  });

  it('passes gRPC clients through by the methods the set declares', async () => {
    await expectOrderPassedThrough(gw.port, '3', 'shop-1');
  });

  it('refuses a version whose descriptor set is corrupt and keeps serving the one it has', async () => {
    const corrupt = Buffer.from(shopDescriptorSet(), 'base64').subarray(0, 40).toString('base64');
    const applied = await gw.feed(
      published(2, {
        services: [withDescriptorSet(corrupt, shop.port)],
        apis: [apiOf('shop-api', '/shop', 'shop')],
      }),
    );
    expect(applied).toBe(false);
    expect(gw.gateway.runtime.lastRefusal).toMatch(
      /service shop: descriptor set does not compile: the descriptor set is not a FileDescriptorSet/,
    );
    expect(gw.gateway.runtime.current.config?.version).toBe(1);
    const res = await request(`${gw.url}/shop/v1/orders/1`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });
});
