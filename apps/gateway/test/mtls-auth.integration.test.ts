import { X509Certificate } from 'node:crypto';
import {
  type CertificateFolder,
  type CertificatePair,
  type ControlPlane,
  contentDigest,
  http2RequestOnLoopback,
  httpsRequestOnLoopback,
  type IssuedCertificate,
  makeCertificateFolder,
  signHttpRequest,
} from '@portico/testkit';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoBody, eventually, listenOnTls, type TestGateway, type Upstream } from './harness';
import { consumerIdOf, type SyncedStack, startSyncedStack } from './synced-stack';

let certificates: CertificateFolder;
let stack: SyncedStack;
let control: ControlPlane;
let upstream: Upstream;
let gw: TestGateway;
let tlsPort: number;
let server: CertificatePair;
let trustedCa: IssuedCertificate;
let otherCa: IssuedCertificate;
const clients: Record<string, IssuedCertificate> = {};
let acmeId = '';
let registeredId = '';

interface Answer {
  status: number;
  body: { code?: string; detail?: string } & Partial<EchoBody>;
}

const clientCertificate = (client: IssuedCertificate | null) =>
  client === null ? {} : { clientCertificate: client };

async function httpsGet(path: string, client: IssuedCertificate | null): Promise<Answer> {
  const answer = await httpsRequestOnLoopback(tlsPort, {
    path,
    servername: 'mtls.test',
    ca: server.certPem,
    ...clientCertificate(client),
  });
  return { status: answer.status, body: JSON.parse(answer.body) as Answer['body'] };
}

async function http2Get(
  path: string,
  client: IssuedCertificate | null,
  extra: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const answer = await http2RequestOnLoopback(tlsPort, {
    path,
    servername: 'mtls.test',
    authority: 'mtls.test',
    ca: server.certPem,
    ...clientCertificate(client),
    ...extra,
  });
  return { status: answer.status, body: JSON.parse(answer.body) as Answer['body'] };
}

beforeAll(async () => {
  certificates = makeCertificateFolder('mtls');
  server = certificates.serverPair('mtls.test', 'DNS:mtls.test');
  trustedCa = certificates.authority('Portico Test Client CA');
  otherCa = certificates.authority('Some Other CA');
  clients.valid = certificates.client(trustedCa, '/O=Acme/CN=client-1');
  clients.bySubject = certificates.client(trustedCa, '/O=Acme/CN=by-subject');
  clients.stranger = certificates.client(trustedCa, '/O=Acme/CN=stranger');
  clients.foreign = certificates.client(otherCa, '/O=Acme/CN=client-1');
  clients.expired = certificates.client(trustedCa, '/O=Acme/CN=old', { expired: true });
  clients.revocable = certificates.client(trustedCa, '/O=Acme/CN=revocable');
  stack = await startSyncedStack({
    nodeName: 'gw-mtls',
    prepare: prepareControlPlane,
  });
  ({ control, upstream, gw } = stack);
  tlsPort = await listenOnTls(gw);
  await eventually(
    async () => (await httpsGet('/secure/x', clients.valid ?? null)).status === 200,
    5_000,
    'registered certificate admitted',
  );
}, 120_000);
afterAll(async () => {
  await stack?.close();
  certificates?.remove();
});

/** The APIs, the partner plan and acme's two registered certificates. */
async function prepareControlPlane(control: ControlPlane, upstream: Upstream): Promise<void> {
  await control.trpc('config.applyDocument', {
    document: {
      services: [{ name: 'orders', targets: [`127.0.0.1:${upstream.port}`] }],
      apis: [
        {
          name: 'secure-api',
          basePath: '/secure',
          service: 'orders',
          auth: { type: 'mtls', caCertificates: [trustedCa.certPem] },
        },
        {
          name: 'subject-api',
          basePath: '/by-subject',
          service: 'orders',
          auth: { type: 'mtls', caCertificates: [trustedCa.certPem], matchBy: 'subject' },
        },
        {
          name: 'forwarding-api',
          basePath: '/forwarding',
          service: 'orders',
          auth: { type: 'mtls', caCertificates: [trustedCa.certPem], forwardClientCert: true },
        },
        { name: 'open-api', basePath: '/open', service: 'orders', auth: { type: 'none' } },
        { name: 'signed-api', basePath: '/signed', service: 'orders', auth: { type: 'signature' } },
      ],
      plans: [
        { name: 'partner', apis: ['secure-api', 'subject-api', 'forwarding-api', 'signed-api'] },
      ],
      consumers: [{ name: 'acme', plans: ['partner'] }],
    },
    message: 'mtls',
  });
  await control.trpc('certificates.create', { name: 'mtls-test', hosts: ['mtls.test'], ...server });
  await control.trpc('config.publish', { message: 'listener certificate' });
  acmeId = await consumerIdOf(control, 'acme');
  const registered = await control.trpc<{ credential: { id: string; identifier: string } }>(
    'credentials.create',
    {
      consumerId: acmeId,
      name: 'client-1',
      spec: { kind: 'mtls', certificate: clients.valid?.certPem },
    },
  );
  registeredId = registered.credential.id;
  await control.trpc('credentials.create', {
    consumerId: acmeId,
    name: 'by-subject',
    // As OpenSSL prints it; stored in the canonical form.
    spec: { kind: 'mtls', matchBy: 'subject', subject: 'subject=O = Acme, CN = by-subject' },
  });
}

/** The 401 the TLS listener answers a refused client certificate with. */
function refused(code: string, detail: string) {
  return { status: 401, body: { code, detail } };
}

describe('mTLS client certificates on the TLS listener', () => {
  it('admits a registered certificate from the trusted CA and names the consumer upstream', async () => {
    const r = await httpsGet('/secure/orders', clients.valid ?? null);
    expect(r.status).toBe(200);
    expect(r.body.headers?.['x-consumer-name']).toBe('acme');
    expect(r.body.headers?.['client-cert']).toBeUndefined();
  });

  it('sends the certificate upstream in Client-Cert (RFC 9440) only where configured', async () => {
    const r = await httpsGet('/forwarding/x', clients.valid ?? null);
    const der = new X509Certificate(clients.valid?.certPem ?? '').raw.toString('base64');
    expect(r.body.headers?.['client-cert']).toBe(`:${der}:`);
  });

  it('admits it over HTTP/2 as well', async () => {
    const r = await http2Get('/secure/orders', clients.valid as IssuedCertificate);
    expect(r.status).toBe(200);
  });

  it('refuses a TLS client without a certificate (401 GW_CERT_MISSING)', async () => {
    const r = await httpsGet('/secure/orders', null);
    expect(r).toMatchObject(
      refused('GW_CERT_MISSING', 'present a client certificate issued by a CA this API trusts'),
    );
  });

  it('verifies an HTTP/2 request signature over :authority and a streamed body on this listener', async () => {
    const issued = await control.trpc<{ credential: { identifier: string }; secret: string }>(
      'credentials.create',
      { consumerId: acmeId, name: 'h2-signer', spec: { kind: 'hmac' } },
    );
    await eventually(
      async () =>
        gw.gateway.runtime.current.credentials.credential('hmac', issued.credential.identifier) !==
        undefined,
      5_000,
      'signing key delivered',
    );
    const body = JSON.stringify({ over: 'h2' });
    const sign = (sent: string) => {
      const digest = contentDigest(sent);
      return {
        'content-digest': digest,
        ...signHttpRequest({
          method: 'POST',
          url: 'https://mtls.test/signed/h2',
          headers: { 'content-digest': digest },
          components: ['@method', '@authority', '@path', 'content-digest'],
          keyid: issued.credential.identifier,
          alg: 'hmac-sha256',
          key: Buffer.from(issued.secret, 'base64'),
          created: Math.floor(Date.now() / 1000),
          nonce: Math.random().toString(36).slice(2),
        }),
      };
    };
    const ok = await http2Get('/signed/h2', null, { method: 'POST', headers: sign(body), body });
    expect(ok.status).toBe(200);
    expect(ok.body.body).toBe(body);
    const tampered = await http2Get('/signed/h2', null, {
      method: 'POST',
      headers: sign(body),
      body: body.replace('h2', 'h3'),
    });
    expect(tampered).toMatchObject({ status: 400, body: { code: 'GW_DIGEST_MISMATCH' } });
  });

  it('still serves APIs without mTLS to clients without a certificate', async () => {
    expect((await httpsGet('/open/x', null)).status).toBe(200);
  });

  it('refuses a certificate from another CA, even with a registered subject', async () => {
    const r = await httpsGet('/secure/orders', clients.foreign ?? null);
    expect(r).toMatchObject(
      refused('GW_CERT_INVALID', 'the client certificate is not issued by a CA this API trusts'),
    );
  });

  it('refuses an expired certificate', async () => {
    const r = await httpsGet('/secure/orders', clients.expired ?? null);
    expect(r).toMatchObject(refused('GW_CERT_INVALID', 'the client certificate has expired'));
  });

  it('refuses a trusted but unregistered certificate', async () => {
    const r = await httpsGet('/secure/orders', clients.stranger ?? null);
    expect(r).toMatchObject(
      refused(
        'GW_CERT_INVALID',
        'the client certificate is not registered to a consumer, or was revoked',
      ),
    );
  });

  it('matches by subject when the API says so', async () => {
    expect((await httpsGet('/by-subject/x', clients.bySubject ?? null)).status).toBe(200);
    // The fingerprint-registered certificate has no subject mapping.
    expect((await httpsGet('/by-subject/x', clients.valid ?? null)).status).toBe(401);
  });

  it('answers a plain-HTTP request to an mTLS API with a clear 401', async () => {
    const res = await request(`${gw.url}/secure/orders`);
    const body = (await res.body.json()) as { code: string; detail: string };
    expect(res.statusCode).toBe(401);
    expect(body).toMatchObject({
      code: 'GW_CERT_MISSING',
      detail:
        "this API requires a client certificate: call it over HTTPS on the gateway's TLS listener",
    });
  });

  it('refuses a certificate once its mapping is revoked, through the credential stream', async () => {
    const issued = await control.trpc<{ credential: { id: string } }>('credentials.create', {
      consumerId: acmeId,
      name: 'revocable',
      spec: { kind: 'mtls', certificate: clients.revocable?.certPem },
    });
    await eventually(
      async () => (await httpsGet('/secure/x', clients.revocable ?? null)).status === 200,
      5_000,
      'new certificate admitted',
    );
    const started = performance.now();
    await control.trpc('credentials.revoke', { id: issued.credential.id });
    await eventually(
      async () =>
        (await httpsGet('/secure/x', clients.revocable ?? null)).body.code === 'GW_CERT_INVALID',
      5_000,
      'revoked certificate refused',
    );
    console.log(
      `certificate revocation reached the gateway in ${(performance.now() - started).toFixed(0)} ms`,
    );
    expect(registeredId).not.toBe(issued.credential.id);
  });

  it('refuses an API whose CA is not a CA certificate, and changes nothing', async () => {
    const before = await control.query<{ name: string }[]>('apis.list', {});
    const error = await control
      .trpc('config.applyDocument', {
        document: {
          services: [{ name: 'orders', targets: [`127.0.0.1:${upstream.port}`] }],
          apis: [
            {
              name: 'bad-ca-api',
              basePath: '/bad',
              service: 'orders',
              auth: { type: 'mtls', caCertificates: [clients.valid?.certPem] },
            },
          ],
        },
        message: 'bad ca',
      })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toContain('apis.bad-ca-api.auth.caCertificates[0]');
    expect(error?.message).toContain('is not a CA certificate');
    expect(await control.query<{ name: string }[]>('apis.list', {})).toHaveLength(before.length);
  });

  it('refuses a credential whose fingerprint does not match its certificate', async () => {
    const error = await control
      .trpc('credentials.create', {
        consumerId: acmeId,
        name: 'mismatch',
        spec: {
          kind: 'mtls',
          certificate: clients.stranger?.certPem,
          fingerprint: 'ab'.repeat(32),
        },
      })
      .then(
        () => null,
        (e: unknown) => e as Error,
      );
    expect(error?.message).toContain('spec.fingerprint: does not match the uploaded certificate');
  });
});
