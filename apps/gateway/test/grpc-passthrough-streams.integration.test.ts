import type { Client, ClientDuplexStream, ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startShopBehindGateway } from './fed-gateway';
import { shopClient } from './grpc-client-support';
import { grpcService, type ShopServer } from './grpc-support';
import { apiOf, type TestGateway } from './harness';

/**
 * Client-streaming and bidirectional gRPC calls passed straight through (h2c), which REST
 * transcoding cannot carry: frames flow both ways as they come.
 */
type Json = Record<string, unknown>;
let shop: ShopServer;
let gw: TestGateway;
let client: Client;

beforeAll(async () => {
  ({ shop, gw } = await startShopBehindGateway(
    (server) => ({
      services: [grpcService('shop', [server.port])],
      apis: [apiOf('shop-api', '/shop', 'shop')],
    }),
    'streams',
  ));
  client = shopClient(gw.port);
});
afterAll(async () => {
  client?.close();
  await gw?.close();
  await shop?.close();
});

describe('streaming calls passed through', () => {
  it('carries a client stream to the server and its one answer back', async () => {
    const result = new Promise<Json>((resolve, reject) => {
      const call = (
        client as unknown as Record<
          string,
          (cb: (e: ServiceError | null, r?: Json) => void) => ClientWritableStream<Json>
        >
      ).Sum?.((error, response) => (error ? reject(error) : resolve(response ?? {})));
      for (let seq = 1; seq <= 100; seq++) call?.write({ seq });
      call?.end();
    });
    expect(await result).toEqual({ seq: 5050, pad: '100' });
  });

  it('carries a bidirectional stream, each answer arriving before the next message is sent', async () => {
    const call = (
      client as unknown as Record<string, () => ClientDuplexStream<Json, Json>>
    ).Chat?.();
    if (call === undefined) throw new Error('no Chat method');
    const answers: number[] = [];
    for (let seq = 1; seq <= 5; seq++) {
      const answer = new Promise<Json>((resolve) => call.once('data', resolve));
      call.write({ seq });
      // The server's answer to this message comes back while the call stays open.
      answers.push(Number((await answer).seq));
    }
    const status = new Promise<{ code: number }>((resolve) => call.on('status', resolve));
    call.end();
    expect((await status).code).toBe(0);
    expect(answers).toEqual([2, 4, 6, 8, 10]);
  });
});
