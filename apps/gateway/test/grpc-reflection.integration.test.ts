import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFedGateway } from './fed-gateway';
import {
  getOrderOnce,
  grpcService,
  type ShopServer,
  startShopServer,
  transcodedOrder,
} from './grpc-support';
import { apiOf, eventually, published, type TestGateway } from './harness';

/**
 * `grpc.reflection: true`: the gateway downloads the schema from a real grpc-js server running
 * @grpc/reflection, then transcodes by it and passes gRPC clients through by its methods.
 */
let shop: ShopServer;
let gw: TestGateway;

/** The shop API on a service whose schema comes from reflection on these instances. */
function reflectedShop(ports: number[]) {
  return {
    services: [grpcService('shop', ports, { grpc: { reflection: true } })],
    apis: [apiOf('shop-api', '/shop', 'shop')],
  };
}

beforeAll(async () => {
  shop = await startShopServer('reflected', { reflection: true });
  gw = await startFedGateway({ snapshot: reflectedShop([shop.port]) });
});
afterAll(async () => {
  await gw.close();
  await shop.close();
});

describe('a gRPC service whose schema comes from server reflection', () => {
  it('transcodes once the schema is downloaded', async () => {
    await eventually(
      async () => {
        const res = await request(`${gw.url}/shop/shop.v1.Orders/GetOrder`, {
          method: 'POST',
          body: '{"id":"9007199254740993","note":"via reflection"}',
        });
        const body = (await res.body.json()) as Record<string, unknown>;
        return res.statusCode === 200 && body.note === 'via reflection';
      },
      10_000,
      'the reflected schema to serve a transcoded call',
    );
    const res = await request(`${gw.url}/shop/shop.v1.Orders/GetOrder`, {
      method: 'POST',
      body: '{"id":"9007199254740993"}',
    });
    expect(await res.body.json()).toMatchObject(
      transcodedOrder('9007199254740993', { servedBy: 'reflected' }),
    );
  });

  it('passes gRPC clients through by the methods the server reflected', async () => {
    const { error, response } = await getOrderOnce(gw.port, '4');
    expect(error).toBeNull();
    expect(response).toMatchObject({ id: '4', servedBy: 'reflected' });
  });

  it('answers 502 naming the reason while no instance has answered reflection', async () => {
    const silent = await startShopServer('silent');
    try {
      expect(await gw.feed(published(2, reflectedShop([silent.port])))).toBe(true);
      await eventually(
        async () => {
          const res = await request(`${gw.url}/shop/shop.v1.Orders/GetOrder`, {
            method: 'POST',
            body: '{"id":"1"}',
          });
          const body = (await res.body.json()) as { code?: string; detail?: string };
          return (
            res.statusCode === 502 &&
            body.code === 'GW_UPSTREAM_UNAVAILABLE' &&
            /schema of service shop is not loaded yet: instance 127\.0\.0\.1:\d+: .*UNIMPLEMENTED/.test(
              body.detail ?? '',
            )
          );
        },
        10_000,
        'the refusal to name the reflection failure',
      );
    } finally {
      await silent.close();
    }
  });
});
