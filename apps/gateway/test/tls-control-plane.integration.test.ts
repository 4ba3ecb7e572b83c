import { X509Certificate } from 'node:crypto';
import {
  type CertificateFolder,
  type CertificatePair,
  type ControlPlane,
  httpsRequestOnLoopback,
  makeCertificateFolder,
  peerCertificate,
} from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoBody, eventually, listenOnTls, type TestGateway } from './harness';
import { type SyncedStack, startSyncedStack } from './synced-stack';

let certificates: CertificateFolder;
let stack: SyncedStack;
let control: ControlPlane;
let gw: TestGateway;
let tlsPort: number;
let pair: CertificatePair;

function httpsGet(path: string, ca: string) {
  return httpsRequestOnLoopback(tlsPort, { path, servername: 'a.test', ca });
}

beforeAll(async () => {
  certificates = makeCertificateFolder('tls-cp');
  pair = certificates.serverPair('a.test', 'DNS:a.test');
  stack = await startSyncedStack({
    nodeName: 'gw-tls',
    prepare: async (control, upstream) => {
      await control.trpc('config.applyDocument', {
        document: {
          services: [{ name: 'echo', targets: [`127.0.0.1:${upstream.port}`] }],
          apis: [{ name: 'echo-api', basePath: '/echo', service: 'echo', auth: { type: 'none' } }],
        },
        message: 'initial',
      });
      await control.trpc('certificates.create', { name: 'a-test', hosts: ['a.test'], ...pair });
      await control.trpc('config.publish', { message: 'certificate' });
    },
  });
  ({ control, gw } = stack);
  tlsPort = await listenOnTls(gw);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  certificates?.remove();
});

describe('TLS certificates from the real control plane', () => {
  it('a published certificate is served with the key delivered by sync, and proxies', async () => {
    expect(gw.gateway.runtime.current.config?.published.secrets.tlsKeys).toEqual({
      [gw.gateway.runtime.current.config?.published.snapshot.certificates?.[0]?.id ?? '-']:
        pair.keyPem.trim(),
    });
    const cert = await peerCertificate(tlsPort, 'a.test');
    expect(cert.fingerprint256).toBe(new X509Certificate(pair.certPem).fingerprint256);
    const res = await httpsGet('/echo/over-tls', pair.certPem);
    expect(res.status).toBe(200);
    // The API strips its base path (the document's default).
    expect((JSON.parse(res.body) as EchoBody).url).toBe('/over-tls');
  });

  it('a rotation published on the control plane is served by the running gateway', async () => {
    const rotated = certificates.serverPair('a.test', 'DNS:a.test');
    await control.trpc('certificates.update', { name: 'a-test', ...rotated });
    await control.trpc('config.publish', { message: 'rotate certificate' });
    const expected = new X509Certificate(rotated.certPem).fingerprint256;
    await eventually(
      async () => (await peerCertificate(tlsPort, 'a.test')).fingerprint256 === expected,
      15_000,
      'the rotated certificate to be served',
    );
    expect((await httpsGet('/echo/rotated', rotated.certPem)).status).toBe(200);
  });
});
