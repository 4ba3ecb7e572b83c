import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CertificatePair,
  type ControlPlane,
  makeCertificatePair,
  peerCertificate,
  startControlPlane,
} from '@portico/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EchoBody,
  echoHandler,
  eventually,
  startSyncedGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

let dir: string;
let control: ControlPlane;
let upstream: Upstream;
let gw: TestGateway;
let tlsPort: number;
let pair: CertificatePair;

function httpsGet(path: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port: tlsPort, path, servername: 'a.test', ca, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.once('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-tls-cp-'));
  pair = makeCertificatePair(dir, 'a.test', 'DNS:a.test');
  upstream = await startUpstream(echoHandler);
  control = await startControlPlane();
  await control.trpc('config.applyDocument', {
    document: {
      services: [{ name: 'echo', targets: [`127.0.0.1:${upstream.port}`] }],
      apis: [{ name: 'echo-api', basePath: '/echo', service: 'echo', auth: { type: 'none' } }],
    },
    message: 'initial',
  });
  await control.trpc('certificates.create', { name: 'a-test', hosts: ['a.test'], ...pair });
  await control.trpc('config.publish', { message: 'certificate' });
  gw = await startSyncedGateway(control, 'gw-tls');
  await new Promise<void>((resolve) =>
    gw.gateway.tlsProxy.server.listen(0, '127.0.0.1', () => resolve()),
  );
  tlsPort = (gw.gateway.tlsProxy.server.address() as AddressInfo).port;
}, 120_000);
afterAll(async () => {
  await gw?.close();
  await control?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
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
    const rotated = makeCertificatePair(dir, 'a.test', 'DNS:a.test');
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
