import { createPrivateKey, X509Certificate } from 'node:crypto';
import {
  type CertificateFolder,
  type ControlPlane,
  contentDigest,
  documentedYamlExample,
  httpsRequestOnLoopback,
  type IssuedCertificate,
  makeCertificateFolder,
  signHttpRequest,
} from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, expectProblem, listenOnTls, type TestGateway, type Upstream } from './harness';
import { applyingDocument, type SyncedStack, startSyncedStack } from './synced-stack';

/** The YAML example of docs/authentication.md that contains `marker`, exactly as written there. */
const documented = (marker: string) => documentedYamlExample('authentication.md', marker);

// RFC 9421 appendix B.1.4: the private half of the test key the signature example registers.
const RFC_TEST_KEY = createPrivateKey(
  '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----\n',
);

let certificates: CertificateFolder;
let stack: SyncedStack;
let upstream: Upstream;
let control: ControlPlane;
let gw: TestGateway;

beforeAll(async () => {
  certificates = makeCertificateFolder('auth-docs');
  stack = await startSyncedStack({
    nodeName: 'gw-auth-docs-2',
    prepare: applyingDocument(
      ({ port }) => documented('type: signature').replace('127.0.0.1:9105', `127.0.0.1:${port}`),
      'docs/authentication.md signatures',
    ),
  });
  ({ upstream, control, gw } = stack);
}, 120_000);
afterAll(async () => {
  await stack?.close();
  certificates?.remove();
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
    await expectProblem(res, 400, 'GW_DIGEST_MISMATCH');
  });

  it('refuses an unsigned request with 401 GW_SIGNATURE_MISSING', async () => {
    const res = await request(`${gw.url}/payments/charges`);
    await expectProblem(res, 401, 'GW_SIGNATURE_MISSING');
  });
});

describe('the mtls example of docs/authentication.md', () => {
  let client: IssuedCertificate;
  let serverPem = '';
  let tlsPort = 0;

  async function get(withCert: boolean): Promise<number> {
    const answer = await httpsRequestOnLoopback(tlsPort, {
      path: '/ledger/entries',
      servername: 'ledger.test',
      ca: serverPem,
      ...(withCert ? { clientCertificate: client } : {}),
    });
    return answer.status;
  }

  beforeAll(async () => {
    const ca = certificates.authority('Docs Client CA');
    client = certificates.client(ca, '/O=Acme/CN=billing');
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
    const server = certificates.serverPair('ledger.test', 'DNS:ledger.test');
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
    tlsPort = await listenOnTls(gw);
  }, 60_000);

  it('admits the registered client certificate and refuses a TLS client without one', async () => {
    await eventually(async () => (await get(true)) === 200, 5_000, 'client certificate admitted');
    expect(await get(false)).toBe(401);
  });
});
