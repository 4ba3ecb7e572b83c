import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Client,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { makeCertificatePair } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionOf, grpcService, type ShopServer, startShopServer } from './grpc-support';
import { apiOf, published, startGateway, type TestGateway } from './harness';

/**
 * Calls passed through to an instance that speaks gRPC over TLS (`scheme: https`), trusted by
 * the service's CA bundle and server name, and refused as UNAVAILABLE when it is not trusted.
 */
let dir = '';
let shop: ShopServer;
let gw: TestGateway;
let client: Client;

function getOrder(c: Client) {
  return new Promise<{ error: ServiceError | null; response?: { servedBy?: string } }>((resolve) =>
    (c as unknown as Record<string, (...a: unknown[]) => void>).GetOrder?.(
      { id: '8' },
      new Metadata(),
      (error: ServiceError | null, response?: { servedBy?: string }) =>
        resolve({ error, response }),
    ),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-grpc-upstream-tls-'));
  const pair = makeCertificatePair(dir, 'shop.internal', 'DNS:shop.internal');
  shop = await startShopServer('tls-shop', { tls: pair });
  gw = await startGateway();
  const applied = await gw.feed(
    published(1, {
      services: [
        grpcService('trusted', [shop.port], {
          scheme: 'https',
          tls: { caBundlePem: pair.certPem, serverName: 'shop.internal' },
        }),
        grpcService('untrusted', [shop.port], {
          scheme: 'https',
          tls: { serverName: 'shop.internal' },
          retries: { attempts: 0 },
        }),
      ],
      apis: [
        apiOf('trusted-api', '/', 'trusted', { hosts: ['trusted.test'] }),
        apiOf('untrusted-api', '/', 'untrusted', { hosts: ['untrusted.test'] }),
      ],
    }),
  );
  expect(applied).toBe(true);
  const Orders = makeGenericClientConstructor(definitionOf(), 'Orders');
  client = new Orders(`127.0.0.1:${gw.port}`, credentials.createInsecure(), {
    'grpc.default_authority': 'trusted.test',
  });
});
afterAll(async () => {
  client?.close();
  await gw?.close();
  await shop?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

describe('gRPC pass-through to an instance over TLS', () => {
  it("reaches it with the service's CA bundle and server name", async () => {
    const result = await getOrder(client);
    expect(result.error).toBeNull();
    expect(result.response?.servedBy).toBe('tls-shop');
  });

  it('answers UNAVAILABLE when the certificate is not trusted, the server not called', async () => {
    const before = shop.state.calls;
    const Orders = makeGenericClientConstructor(definitionOf(), 'Orders');
    const untrusted = new Orders(`127.0.0.1:${gw.port}`, credentials.createInsecure(), {
      'grpc.default_authority': 'untrusted.test',
    });
    const result = await getOrder(untrusted);
    untrusted.close();
    expect(result.error?.code).toBe(14);
    expect(result.error?.details).toMatch(/did not take the call: .*certificate/);
    expect(shop.state.calls).toBe(before);
  });
});
