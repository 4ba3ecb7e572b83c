import {
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionOf, type ShopServer, startShopServer } from './grpc-support';
import { apiOf, eventually, published, startGateway, type TestGateway } from './harness';

/**
 * `grpc.reflection: true`: the gateway downloads the schema from a real grpc-js server running
 * @grpc/reflection, then transcodes by it and passes gRPC clients through by its methods.
 */
let shop: ShopServer;
let gw: TestGateway;
const clients: Client[] = [];

function reflectedService(ports: number[]) {
  return {
    id: 'shop',
    name: 'shop',
    protocol: 'grpc',
    grpc: { reflection: true },
    targets: ports.map((port) => ({ host: '127.0.0.1', port })),
  };
}

beforeAll(async () => {
  shop = await startShopServer('reflected', { reflection: true });
  gw = await startGateway();
  expect(
    await gw.feed(
      published(1, {
        services: [reflectedService([shop.port])],
        apis: [apiOf('shop-api', '/shop', 'shop')],
      }),
    ),
  ).toBe(true);
});
afterAll(async () => {
  for (const c of clients) c.close();
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
    expect(await res.body.json()).toMatchObject({
      id: '9007199254740993',
      tier: 'GOLD',
      placedAt: '2026-01-02T03:04:05.120Z',
      servedBy: 'reflected',
    });
  });

  it('passes gRPC clients through by the methods the server reflected', async () => {
    const Orders = makeGenericClientConstructor(definitionOf(), 'Orders');
    const client = new Orders(`127.0.0.1:${gw.port}`, credentials.createInsecure());
    clients.push(client);
    const call = client as unknown as Record<
      string,
      (m: object, md: Metadata, cb: (e: ServiceError | null, r?: object) => void) => void
    >;
    const response = await new Promise<object | undefined>((resolve, reject) =>
      call.GetOrder?.({ id: '4' }, new Metadata(), (error, value) =>
        error ? reject(error) : resolve(value),
      ),
    );
    expect(response).toMatchObject({ id: '4', servedBy: 'reflected' });
  });

  it('answers 502 naming the reason while no instance has answered reflection', async () => {
    const silent = await startShopServer('silent');
    try {
      expect(
        await gw.feed(
          published(2, {
            services: [reflectedService([silent.port])],
            apis: [apiOf('shop-api', '/shop', 'shop')],
          }),
        ),
      ).toBe(true);
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
