import { type CertificateFolder, makeCertificateFolder } from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFedGateway } from './fed-gateway';
import { getOrderOnce } from './grpc-client-support';
import { grpcService, type ShopServer, startShopServer } from './grpc-support';
import { apiOf, type TestGateway } from './harness';

/**
 * Calls passed through to an instance that speaks gRPC over TLS (`scheme: https`), trusted by
 * the service's CA bundle and server name, and refused as UNAVAILABLE when it is not trusted.
 */
let certificates: CertificateFolder | undefined;
let shop: ShopServer;
let gw: TestGateway;

beforeAll(async () => {
  certificates = makeCertificateFolder('grpc-upstream-tls');
  const pair = certificates.serverPair('shop.internal', 'DNS:shop.internal');
  shop = await startShopServer('tls-shop', { tls: pair });
  gw = await startFedGateway({
    snapshot: {
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
    },
  });
});
afterAll(async () => {
  await gw?.close();
  await shop?.close();
  certificates?.remove();
});

describe('gRPC pass-through to an instance over TLS', () => {
  it("reaches it with the service's CA bundle and server name", async () => {
    const result = await getOrderOnce(gw.port, '8', {
      channel: { 'grpc.default_authority': 'trusted.test' },
    });
    expect(result.error).toBeNull();
    expect(result.response?.servedBy).toBe('tls-shop');
  });

  it('answers UNAVAILABLE when the certificate is not trusted, the server not called', async () => {
    const before = shop.state.calls;
    const result = await getOrderOnce(gw.port, '8', {
      channel: { 'grpc.default_authority': 'untrusted.test' },
    });
    expect(result.error?.code).toBe(14);
    expect(result.error?.details).toMatch(/did not take the call: .*certificate/);
    expect(shop.state.calls).toBe(before);
  });
});
