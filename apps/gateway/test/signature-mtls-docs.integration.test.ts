import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ControlPlane,
  contentDigest,
  type IssuedCertificate,
  issueClientCertificate,
  makeCertificateAuthority,
  makeCertificatePair,
  signHttpRequest,
  startControlPlane,
} from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  echoHandler,
  eventually,
  startSyncedGateway,
  startUpstream,
  type TestGateway,
  type Upstream,
} from './harness';

/** The YAML example of docs/authentication.md that contains `marker`, exactly as written there. */
function documented(marker: string): string {
  const page = readFileSync(new URL('../../../docs/authentication.md', import.meta.url), 'utf8');
  const block = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .find((b) => b.includes(marker));
  if (block === undefined)
    throw new Error(`docs/authentication.md has no YAML example with ${marker}`);
  return block;
}

// RFC 9421 appendix B.1.4: the private half of the test key the signature example registers.
const RFC_TEST_KEY = createPrivateKey(
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n',
);

let dir: string;
let upstream: Upstream;
let control: ControlPlane;
let gw: TestGateway;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'portico-auth-docs-'));
  upstream = await startUpstream(echoHandler);
  control = await startControlPlane();
  await control.trpc('config.applyDocument', {
    document: documented('type: signature').replace('127.0.0.1:9105', `127.0.0.1:${upstream.port}`),
    message: 'docs/authentication.md signatures',
  });
  gw = await startSyncedGateway(control, 'gw-auth-docs-2');
}, 120_000);
afterAll(async () => {
  await gw?.close();
  await control?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

function signedPost(body: string) {
  const digest = contentDigest(body);
  return {
    'content-type': 'application/json',
    'content-digest': digest,
    ...signHttpRequest({
      method: 'POST',
      url: `${gw.url}/payments/charges`,
      headers: { 'content-digest': digest },
      components: ['@method', '@authority', '@path', 'content-digest'],
      keyid: 'acme-signer-1',
      alg: 'ed25519',
      key: RFC_TEST_KEY,
      created: Math.floor(Date.now() / 1000),
      nonce: Math.random().toString(36).slice(2),
    }),
  };
}

describe('the signature example of docs/authentication.md', () => {
  it('admits a POST signed with the registered ed25519 key, body covered by Content-Digest', async () => {
    const body = '{"amount":1200,"currency":"EUR"}';
    await eventually(
      async () => {
        const res = await request(`${gw.url}/payments/charges`, {
          method: 'POST',
          headers: signedPost(body),
          body,
        });
        await res.body.dump();
        return res.statusCode === 200;
      },
      5_000,
      'signed POST admitted',
    );
  });

  it('answers a body that differs from its signed digest with 400 GW_DIGEST_MISMATCH', async () => {
    const headers = signedPost('{"amount":1200,"currency":"EUR"}');
    const res = await request(`${gw.url}/payments/charges`, {
      method: 'POST',
      headers,
      body: '{"amount":9900,"currency":"EUR"}',
    });
    expect(res.statusCode).toBe(400);
    expect(((await res.body.json()) as { code: string }).code).toBe('GW_DIGEST_MISMATCH');
  });

  it('refuses an unsigned request with 401 GW_SIGNATURE_MISSING', async () => {
    const res = await request(`${gw.url}/payments/charges`);
    expect(res.statusCode).toBe(401);
    expect(((await res.body.json()) as { code: string }).code).toBe('GW_SIGNATURE_MISSING');
  });
});

describe('the mtls example of docs/authentication.md', () => {
  let client: IssuedCertificate;
  let serverPem = '';
  let tlsPort = 0;

  function get(withCert: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: tlsPort,
          path: '/ledger/entries',
          servername: 'ledger.test',
          ca: serverPem,
          agent: false,
          ...(withCert ? { cert: client.certPem, key: client.keyPem } : {}),
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.once('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    const ca = makeCertificateAuthority(dir, 'Docs Client CA');
    client = issueClientCertificate(dir, ca, '/O=Acme/CN=billing');
    const fingerprint = new X509Certificate(client.certPem).fingerprint256.toLowerCase();
    const caBlock = ca.certPem
      .trim()
      .split('\n')
      .map((line) => `          ${line}`)
      .join('\n');
    const document = documented('type: mtls')
      .replace('127.0.0.1:9104', `127.0.0.1:${upstream.port}`)
      .replace(/ {10}-----BEGIN CERTIFICATE-----\n[\s\S]*?-----END CERTIFICATE-----/, caBlock)
      .replace(/fingerprint: "[0-9a-f:]+"/, `fingerprint: "${fingerprint}"`);
    await control.trpc('config.applyDocument', {
      document,
      message: 'docs/authentication.md mtls',
    });
    const server = makeCertificatePair(dir, 'ledger.test', 'DNS:ledger.test');
    serverPem = server.certPem;
    await control.trpc('certificates.create', {
      name: 'ledger-test',
      hosts: ['ledger.test'],
      ...server,
    });
    await control.trpc('config.publish', { message: 'listener certificate' });
    await eventually(
      async () => gw.gateway.tlsProxy.certificates().exact.has('ledger.test'),
      10_000,
      'listener certificate delivered',
    );
    await new Promise<void>((resolve) =>
      gw.gateway.tlsProxy.server.listen(0, '127.0.0.1', () => resolve()),
    );
    tlsPort = (gw.gateway.tlsProxy.server.address() as AddressInfo).port;
  }, 60_000);

  it('admits the registered client certificate and refuses a TLS client without one', async () => {
    await eventually(async () => (await get(true)) === 200, 5_000, 'client certificate admitted');
    expect(await get(false)).toBe(401);
  });
});
