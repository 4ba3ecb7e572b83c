/**
 * What the auth bench's signature and mTLS rows need, made fresh per run: an hmac secret and an
 * Ed25519 key pair registered to the bench consumer, a client CA and a client certificate
 * registered by fingerprint, a listener certificate for `bench.test`, and the two APIs on the
 * bench service (`/signed` with signature auth, `/mtls` with mtls auth).
 */
import { generateKeyPairSync, type KeyObject, randomBytes, X509Certificate } from 'node:crypto';
import {
  type IssuedCertificate,
  issueClientCertificate,
  makeCertificateAuthority,
} from '@portico/testkit';
import { makeCertificatePair } from '../../apps/gateway/test/tls-helpers';

export interface AuthBenchCredentials {
  hmac: { keyid: string; secret: Buffer };
  ed25519: { keyid: string; privateKey: KeyObject };
  client: IssuedCertificate;
  serverCertPem: string;
  extraApis: { id: string }[];
  credentials: object[];
  certificates: object[];
  tlsKeys: Record<string, string>;
}

export function authBenchCredentials(dir: string): AuthBenchCredentials {
  const secret = randomBytes(32);
  const ed = generateKeyPairSync('ed25519');
  const ca = makeCertificateAuthority(dir, 'Bench Client CA');
  const client = issueClientCertificate(dir, ca, '/O=Bench/CN=bench-client');
  const server = makeCertificatePair(dir, 'bench.test', 'DNS:bench.test');
  const fingerprint = new X509Certificate(client.certPem).fingerprint256
    .replaceAll(':', '')
    .toLowerCase();
  const credential = (id: string, kind: string, identifier: string, verifier: string | null) => ({
    id,
    consumerId: 'con_bench',
    kind,
    identifier,
    verifier,
    matchBy: kind === 'mtls' ? 'fingerprint' : null,
    expiresAt: null,
  });
  return {
    hmac: { keyid: 'bench-hmac', secret },
    ed25519: { keyid: 'bench-ed25519', privateKey: ed.privateKey },
    client,
    serverCertPem: server.certPem,
    extraApis: [
      {
        id: 'api_signed',
        name: 'signed-api',
        slug: 'signed',
        basePath: '/signed',
        serviceId: 'svc_bench',
        // Signatures are pooled before the run, so they must stay valid for its length.
        auth: { type: 'signature', maxAgeSeconds: 3600 },
        routes: [],
      } as { id: string },
      {
        id: 'api_mtls',
        name: 'mtls-api',
        slug: 'mtls',
        basePath: '/mtls',
        serviceId: 'svc_bench',
        auth: { type: 'mtls', caCertificates: [ca.certPem] },
        routes: [],
      } as { id: string },
    ],
    credentials: [
      credential('cred_bench_hmac', 'hmac', 'bench-hmac', secret.toString('base64')),
      credential(
        'cred_bench_ed25519',
        'ed25519',
        'bench-ed25519',
        ed.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      ),
      credential('cred_bench_mtls', 'mtls', fingerprint, null),
    ],
    certificates: [
      {
        id: 'crt_bench',
        name: 'bench-test',
        hosts: ['bench.test'],
        certPem: server.certPem,
        keyFingerprint: 'bench',
      },
    ],
    tlsKeys: { crt_bench: server.keyPem },
  };
}
