import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopBehindGateway } from './fed-gateway';
import { expectOrderPassedThrough, untilTranscodedAnswer } from './grpc-client-support';
import { grpcService, type ShopServer, startShopServer, transcodedOrder } from './grpc-support';
import { apiOf, published, type TestGateway } from './harness';

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
  ({ shop, gw } = await startShopBehindGateway(
    (server) => reflectedShop([server.port]),
    'reflected',
    { reflection: true },
  ));
});
afterAll(async () => {
  await gw.close();
  await shop.close();
});

describe('a gRPC service whose schema comes from server reflection', () => {
  it('transcodes once the schema is downloaded', async () => {
    await untilTranscodedAnswer(
      `${gw.url}/shop/shop.v1.Orders/GetOrder`,
      '{"id":"9007199254740993","note":"via reflection"}',
      (status, order) => status === 200 && order.note === 'via reflection',
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
    await expectOrderPassedThrough(gw.port, '4', 'reflected');
  });

  it('answers 502 naming the reason while no instance has answered reflection', async () => {
    const silent = await startShopServer('silent');
    try {
      expect(await gw.feed(published(2, reflectedShop([silent.port])))).toBe(true);
      await untilTranscodedAnswer(
        `${gw.url}/shop/shop.v1.Orders/GetOrder`,
        '{"id":"1"}',
        (status, problem) =>
          status === 502 &&
          problem.code === 'GW_UPSTREAM_UNAVAILABLE' &&
          /schema of service shop is not loaded yet: instance 127\.0\.0\.1:\d+: .*UNIMPLEMENTED/.test(
            String(problem.detail ?? ''),
          ),
        'the refusal to name the reflection failure',
      );
    } finally {
      await silent.close();
    }
  });
});
