import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopBehindGateway } from './fed-gateway';
import { grpcService, type ShopServer } from './grpc-support';
import { apiOf, type TestGateway } from './harness';

/**
 * OpenAPI request validation in front of REST → gRPC transcoding: validation reads the JSON body
 * to check it, and the transcoder then turns that same body into the protobuf message; an invalid
 * body is refused before any gRPC call.
 */
const ORDERS_DOCUMENT = {
  openapi: '3.0.3',
  info: { title: 'shop', version: '1' },
  paths: {
    '/v1/orders/{id}': {
      put: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  tier: { type: 'string', enum: ['SILVER', 'GOLD'] },
                  note: { type: 'string', maxLength: 10 },
                },
                additionalProperties: false,
              },
            },
          },
        },
        responses: { '200': { description: 'the order' } },
      },
    },
  },
};

let shop: ShopServer;
let gw: TestGateway;

beforeAll(async () => {
  ({ shop, gw } = await startShopBehindGateway((server) => ({
    services: [grpcService('shop', [server.port])],
    apis: [
      apiOf('shop-checked', '/checked', 'shop', {
        openApi: ORDERS_DOCUMENT,
        policies: { validation: { mode: 'enforce' } },
      }),
    ],
  })));
});
afterAll(async () => {
  await gw?.close();
  await shop?.close();
});

async function put(path: string, body: unknown) {
  const res = await request(`${gw.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as Record<string, unknown> };
}

describe('validated requests to a gRPC service', () => {
  it('transcodes the body validation checked into the gRPC call', async () => {
    const before = shop.state.calls;
    const res = await put('/checked/v1/orders/42', { tier: 'GOLD', note: 'gift' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: '42', tier: 'GOLD', note: 'gift' });
    expect(shop.state.calls).toBe(before + 1);
  });

  it('refuses an invalid body with 400 and calls no instance', async () => {
    const before = shop.state.calls;
    const res = await put('/checked/v1/orders/42', { tier: 'BRONZE', note: 'far too long a note' });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe('GW_REQUEST_INVALID');
    const pointers = (res.json.violations as { pointer: string }[]).map((v) => v.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/body/tier', '/body/note']));
    expect(shop.state.calls).toBe(before);
  });
});
