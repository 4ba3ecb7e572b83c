import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type CertificateFolder, makeCertificateFolder } from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackService, startFedGateway } from './fed-gateway';
import { apiOf, expectProblem, type TestGateway } from './harness';

let certificates: CertificateFolder | undefined;
let cert: string;
let server: Server;
let port: number;
let gw: TestGateway;

beforeAll(async () => {
  // A throw-away self-signed certificate for 127.0.0.1.
  certificates = makeCertificateFolder('tls');
  const pair = certificates.serverPair('127.0.0.1', 'IP:127.0.0.1');
  cert = pair.certPem;
  server = createServer({ key: pair.keyPem, cert }, (req, res) => res.end(`tls ${req.url}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  gw = await startFedGateway({
    snapshot: {
      services: [
        loopbackService('trusted', [{ port }], {
          scheme: 'https',
          tls: { caBundlePem: cert },
        }),
        loopbackService('untrusted', [{ port }], { scheme: 'https' }),
        loopbackService('unverified', [{ port }], {
          scheme: 'https',
          tls: { verify: false },
        }),
      ],
      apis: [
        apiOf('a', '/trusted', 'trusted'),
        apiOf('b', '/untrusted', 'untrusted'),
        apiOf('c', '/unverified', 'unverified'),
      ],
    },
  });
});
afterAll(async () => {
  await gw.close();
  server.closeAllConnections();
  server.close();
  certificates?.remove();
});

describe('HTTPS upstreams', () => {
  it('verify the upstream certificate against the service CA bundle', async () => {
    const res = await request(`${gw.url}/trusted/x`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('tls /x');
  });
  it('refuse an upstream whose certificate does not verify (verification is on by default) with 502', async () => {
    const res = await request(`${gw.url}/untrusted/x`);
    await expectProblem(res, 502, 'GW_UPSTREAM_UNAVAILABLE');
  });
  it('skip verification only where a service turns it off', async () => {
    const res = await request(`${gw.url}/unverified/x`);
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });
});
